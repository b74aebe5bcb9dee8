// BertNormalizer over code points, step by step in the order tokenizers' bert.rs applies them.
#include "tokenizer/bert_normalizer.h"

#include "tokenizer/unicode.h"

namespace ce {

void canonical_order(std::u32string& text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (text[i] < 0x300 || unicode::combining_class(text[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < n && unicode::combining_class(text[j]) != 0) ++j;
    // Insertion sort: runs of combining marks are short, and it is stable as NFD requires.
    for (size_t k = i + 1; k < j; ++k) {
      const char32_t c = text[k];
      const unsigned cc = unicode::combining_class(c);
      size_t m = k;
      while (m > i && unicode::combining_class(text[m - 1]) > cc) {
        text[m] = text[m - 1];
        --m;
      }
      text[m] = c;
    }
    i = j;
  }
}

void BertNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  const NormalizerFlags& flags = flags_;
  if (flags.clean_text || flags.handle_chinese_chars) {
    scratch.clear();
    for (char32_t c : text) {
      if (flags.clean_text) {
        if (unicode::is_removed_by_clean_text(c)) continue;  // checked before whitespace, as HF does
        if (unicode::is_whitespace(c)) c = U' ';
      }
      if (flags.handle_chinese_chars && c >= 0x3400 && unicode::is_chinese_char(c)) {
        scratch.push_back(U' ');
        scratch.push_back(c);
        scratch.push_back(U' ');
      } else {
        scratch.push_back(c);
      }
    }
    text.swap(scratch);
  }
  if (flags.strip_accents) {
    scratch.clear();
    for (char32_t c : text) unicode::append_decomposition(c, scratch);
    canonical_order(scratch);
    text.clear();
    for (char32_t c : scratch) {
      if (!unicode::is_mark_nonspacing(c)) text.push_back(c);
    }
  }
  if (flags.lowercase) {
    scratch.clear();
    for (char32_t c : text) unicode::append_lowercase(c, scratch);
    text.swap(scratch);
  }
}

}  // namespace ce
