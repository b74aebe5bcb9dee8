// HF tokenizers' `Whitespace` (\w+|[^\w\s]+, whitespace dropped) and `WhitespaceSplit` (split on whitespace, which
// is dropped) pre-tokenizers, with the Unicode classes of the Rust regex crate / char::is_whitespace.
#pragma once

#include "tokenizer/splitting_pre_tokenizer.h"

namespace ce {

class WhitespacePreTokenizer final : public SplittingPreTokenizer {
 public:
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override;
};

class WhitespaceSplitPreTokenizer final : public SplittingPreTokenizer {
 public:
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override;
};

}  // namespace ce
