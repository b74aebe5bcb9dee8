// StripAccentsNormalizer over the generated General_Category M table.
#include "tokenizer/strip_accents_normalizer.h"

#include <algorithm>

#include "tokenizer/segmentation.h"

namespace ce {

void StripAccentsNormalizer::normalize(std::u32string& text, std::u32string&) const {
  text.erase(std::remove_if(text.begin(), text.end(), [](char32_t c) { return segmentation::is_mark(c); }), text.end());
}

}  // namespace ce
