// WordPiece model: greedy longest-match-first subwords with a continuation prefix, [UNK] for failures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/prefix_trie.h"
#include "tokenizer/tokenizer_model.h"

namespace ce {

class WordPiece final : public TokenizerModel {
 public:
  // vocab[i] is the token with id i (empty strings are holes and never match). Builds both tries (the costly
  // part of loading a tokenizer), once. Throws ce::Error(InvalidTokenizer) when `unk_token` is not in the vocab.
  WordPiece(const std::vector<std::string>& vocab, std::string_view unk_token, std::string_view continuing_prefix,
            size_t max_input_chars_per_word);
  // Not copyable: a pipeline holds its model once and shares it, so the tries are never rebuilt or duplicated.
  WordPiece(const WordPiece&) = delete;
  WordPiece& operator=(const WordPiece&) = delete;

  void encode_word(std::string_view word, std::vector<int32_t>& out) const override;
  int32_t token_to_id(std::string_view token) const override { return whole_.find(token); }
  size_t vocab_size() const override { return vocab_size_; }

 private:
  PrefixTrie whole_;         // every token (word starts)
  PrefixTrie continuation_;  // tokens that start with the prefix, without it (word continuations)
  size_t vocab_size_;
  int32_t unk_id_ = -1;
  size_t max_chars_;
};

}  // namespace ce
