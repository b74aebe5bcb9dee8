// SplitPreTokenizer: each piece cut by its pattern; the first piece out keeps the text-start flag.
#include "tokenizer/split_pre_tokenizer.h"

#include "tokenizer/unicode.h"

namespace ce {

void SplitPreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  std::vector<PatternMatch> scratch;
  std::vector<std::pair<size_t, size_t>> ranges;
  split_by_pattern(piece.text, *pattern_, behavior_, invert_, scratch, ranges);
  for (const auto& [begin, end] : ranges) {
    out.push_back(PreTokenPiece{piece.text.substr(begin, end - begin), piece.at_text_start && begin == 0});
  }
}

std::unique_ptr<const PreTokenizer> digits_pre_tokenizer(bool individual_digits) {
  return std::make_unique<const SplitPreTokenizer>(char_pattern([](char32_t c) { return c >= '0' && c <= '9'; }),
                                                   individual_digits ? SplitBehavior::Isolated
                                                                     : SplitBehavior::Contiguous,
                                                   false);
}

std::unique_ptr<const PreTokenizer> punctuation_pre_tokenizer(SplitBehavior behavior) {
  return std::make_unique<const SplitPreTokenizer>(char_pattern(unicode::is_punctuation), behavior, false);
}

}  // namespace ce
