// WordPiece model: greedy longest-match-first subwords with a continuation prefix, [UNK] for failures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/prefix_trie.h"

namespace ce {

class WordPiece {
 public:
  // vocab[i] is the token with id i (empty strings are holes and never match).
  WordPiece(const std::vector<std::string>& vocab, int32_t unk_id, std::string_view continuing_prefix,
            size_t max_input_chars_per_word);

  // Appends the ids of one pre-tokenized word (valid UTF-8, non-empty) to `out`.
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;

  // Id of an exact token, or -1.
  int32_t find(std::string_view token) const { return whole_.find(token); }

 private:
  PrefixTrie whole_;         // every token (word starts)
  PrefixTrie continuation_;  // tokens that start with the prefix, without it (word continuations)
  int32_t unk_id_;
  size_t max_chars_;
};

}  // namespace ce
