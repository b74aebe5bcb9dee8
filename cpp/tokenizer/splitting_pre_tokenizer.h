// Base of the pre-tokenizers that cut text into pieces (Metaspace, Whitespace, WhitespaceSplit, Sequence): pieces
// keep their code points and whether they begin the original text, so that a Sequence can chain them.
#pragma once

#include <string>
#include <vector>

#include "tokenizer/pre_tokenizer.h"

namespace ce {

struct PreTokenPiece {
  std::u32string text;
  bool at_text_start = false;  // tokenizers' offsets_original().0 == 0
};

class SplittingPreTokenizer : public PreTokenizer {
 public:
  // Appends the pieces `piece` becomes to `out` (empty pieces are dropped, as tokenizers drops them).
  virtual void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const = 0;

  void pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const override {
    pre_tokenize_piece(text, true, words);
  }
  void pre_tokenize_piece(const std::u32string& text, bool at_text_start, PreTokenizedWords& words) const override;
};

// Writes pieces as the words of `words` (replacing them).
void pieces_to_words(const std::vector<PreTokenPiece>& pieces, PreTokenizedWords& words);

}  // namespace ce
