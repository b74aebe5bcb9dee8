// HF tokenizers' Unigram model (SentencePiece): the best-scoring segmentation of a word (Viterbi over the pieces
// that match at each character), unknown characters scored min_score - 10 and fused, optional byte fallback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/piece_trie.h"
#include "tokenizer/tokenizer_model.h"

namespace ce {

struct UnigramOptions {
  std::optional<int32_t> unk_id;  // unset: a character no piece covers cannot be encoded (an error, as in HF)
  bool byte_fallback = false;     // unknown runs become their <0xXX> pieces when all exist
  bool fuse_unk = true;           // consecutive unknown characters are one unk (tokenizers always fuses)
};

class Unigram final : public TokenizerModel {
 public:
  // pieces[id] = (piece, score). Throws ce::Error(InvalidTokenizer) naming `where` for an empty vocab, an empty or
  // repeated piece, a score that is not finite, or an unk_id outside the vocab.
  Unigram(std::vector<std::pair<std::string, double>> pieces, const UnigramOptions& options, const std::string& where);

  void encode_word(std::string_view word, std::vector<int32_t>& out) const override;
  int32_t token_to_id(std::string_view token) const override { return trie_.find(token); }
  size_t vocab_size() const override { return pieces_.size(); }

 private:
  // Appends the id(s) of one segment of the best path (a piece, or a fused run of unknown characters).
  void emit(std::string_view segment, int32_t node_id, std::vector<int32_t>& out) const;

  std::vector<std::pair<std::string, double>> pieces_;
  UnigramOptions options_;
  double unk_score_ = 0;
  PieceTrie trie_;
  int32_t byte_ids_[256];  // <0xXX> piece ids for byte fallback, -1 when absent
};

// The tokenizer.json Unigram pieces as PieceTrie input.
std::vector<std::string_view> piece_views(const std::vector<std::pair<std::string, double>>& pieces);

}  // namespace ce
