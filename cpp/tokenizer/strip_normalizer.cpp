// StripNormalizer: trims with the White_Space table (Rust char::is_whitespace).
#include "tokenizer/strip_normalizer.h"

#include "tokenizer/unicode.h"

namespace ce {

void StripNormalizer::normalize(std::u32string& text, std::u32string&) const {
  size_t end = text.size(), begin = 0;
  if (right_) {
    while (end > 0 && unicode::is_whitespace(text[end - 1])) --end;
  }
  if (left_) {
    while (begin < end && unicode::is_whitespace(text[begin])) ++begin;
  }
  text.erase(end);
  text.erase(0, begin);
}

}  // namespace ce
