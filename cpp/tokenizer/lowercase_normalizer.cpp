// LowercaseNormalizer over the generated lowercase table (ASCII in place).
#include "tokenizer/lowercase_normalizer.h"

#include "tokenizer/unicode.h"

namespace ce {

void LowercaseNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  scratch.clear();
  for (const char32_t c : text) {
    if (c < 0x80) {
      scratch.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else {
      unicode::append_lowercase(c, scratch);
    }
  }
  text.swap(scratch);
}

}  // namespace ce
