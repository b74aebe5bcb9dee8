// BPE model (HF tokenizers' `BPE`): a word split into characters (with byte fallback / unk for unknown ones),
// then merged pair by pair in rank order, as tokenizers' Word::merge_all does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokenizer/tokenizer_model.h"

namespace ce {

struct BpeOptions {
  std::optional<std::string> unk_token;                  // null: unknown characters are dropped
  std::string continuing_subword_prefix;                 // prepended to every non-first character ("" = none)
  std::string end_of_word_suffix;                        // appended to the last character ("" = none)
  bool fuse_unk = false;                                 // consecutive unknowns become one unk
  bool byte_fallback = false;                            // unknown characters as their <0xXX> byte tokens
  bool ignore_merges = false;                            // a word that is itself in the vocab is one token
};

class Bpe final : public TokenizerModel {
 public:
  // `vocab`: (token, id) pairs, a later duplicate token replacing an earlier one (as JSON maps load). `merges`:
  // pairs in rank order. Throws ce::Error(InvalidTokenizer) for a negative id, a merge whose parts or result are
  // not in the vocab, or a merge's right part that lacks the continuing prefix.
  Bpe(const std::vector<std::pair<std::string, int32_t>>& vocab,
      const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options);
  Bpe(const Bpe&) = delete;
  Bpe& operator=(const Bpe&) = delete;

  // Throws ce::Error(InvalidTokenizer) when the word needs the unk token and it is not in the vocab (HF fails
  // the same encode).
  void encode_word(std::string_view word, std::vector<int32_t>& out) const override;
  int32_t token_to_id(std::string_view token) const override;
  size_t vocab_size() const override { return vocab_size_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Merge {
    uint32_t rank;
    int32_t new_id;
  };
  static uint64_t pair_key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  const Merge* find_merge(int32_t a, int32_t b) const;
  // The word's symbols before merging: (id, byte length) per character, unknowns handled.
  void initial_symbols(std::string_view word, std::vector<int32_t>& ids) const;

  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> vocab_;
  std::unordered_map<uint64_t, Merge> merges_;
  BpeOptions options_;
  int32_t unk_id_ = -1;  // -1: no unk token, or one missing from the vocab (an error only when needed)
  size_t vocab_size_ = 0;
};

}  // namespace ce
