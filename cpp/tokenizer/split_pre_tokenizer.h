// The pattern-based pre-tokenizers of tokenizer.json: Split (regex or string pattern, behaviour, invert), Digits
// and Punctuation.
#pragma once

#include <memory>

#include "tokenizer/split_patterns.h"
#include "tokenizer/splitting_pre_tokenizer.h"

namespace ce {

class SplitPreTokenizer final : public SplittingPreTokenizer {
 public:
  SplitPreTokenizer(std::unique_ptr<const SplitPattern> pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override;

 private:
  std::unique_ptr<const SplitPattern> pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// Digits: ASCII digits (tokenizers: char::is_ascii_digit) isolated one by one, or as runs.
std::unique_ptr<const PreTokenizer> digits_pre_tokenizer(bool individual_digits);
// Punctuation: ASCII punctuation or a P* code point, cut with `behavior` (HF's default: Isolated).
std::unique_ptr<const PreTokenizer> punctuation_pre_tokenizer(SplitBehavior behavior);

}  // namespace ce
