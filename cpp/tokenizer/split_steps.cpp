// PatternSplitStep and the Digits / Punctuation patterns (tokenizers: char::is_ascii_digit; is_ascii_punctuation
// or a Unicode P* category).
#include "tokenizer/split_steps.h"

#include "tokenizer/split_patterns.h"
#include "tokenizer/unicode.h"

namespace ce {

void PatternSplitStep::apply(Splits& splits) const {
  Splits pieces;
  std::vector<PatternMatch> scratch;
  for (const std::u32string& split : splits) split_by_pattern(split, *pattern_, behavior_, invert_, scratch, pieces);
  splits = std::move(pieces);
}

std::unique_ptr<const SplitStep> digits_step(bool individual_digits) {
  return std::make_unique<const PatternSplitStep>(char_pattern([](char32_t c) { return c >= '0' && c <= '9'; }),
                                                  individual_digits ? SplitBehavior::Isolated
                                                                    : SplitBehavior::Contiguous,
                                                  false);
}

std::unique_ptr<const SplitStep> punctuation_step(SplitBehavior behavior) {
  return std::make_unique<const PatternSplitStep>(char_pattern(unicode::is_punctuation), behavior, false);
}

}  // namespace ce
