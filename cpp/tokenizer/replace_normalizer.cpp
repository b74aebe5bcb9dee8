// ReplaceNormalizer and CollapseWhitespaceNormalizer: one pass each over the code points.
#include "tokenizer/replace_normalizer.h"

#include "tokenizer/unicode.h"

namespace ce {

void ReplaceNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  if (pattern_.empty() || text.find(pattern_) == std::u32string::npos) return;
  scratch.clear();
  size_t pos = 0;
  for (size_t hit; (hit = text.find(pattern_, pos)) != std::u32string::npos; pos = hit + pattern_.size()) {
    scratch.append(text, pos, hit - pos);
    scratch += content_;
  }
  scratch.append(text, pos, std::u32string::npos);
  text.swap(scratch);
}

void CollapseWhitespaceNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  scratch.clear();
  for (size_t i = 0; i < text.size();) {
    size_t run = i;
    while (run < text.size() && unicode::is_whitespace(text[run])) ++run;
    if (run - i >= 2) {
      scratch.push_back(U' ');  // \s{2,} is tried first and is greedy
      i = run;
    } else if (text[i] == U'\n' || text[i] == U'\r' || text[i] == U'\t') {
      scratch.push_back(U' ');
      ++i;
    } else {
      scratch.push_back(text[i++]);
    }
  }
  text.swap(scratch);
}

}  // namespace ce
