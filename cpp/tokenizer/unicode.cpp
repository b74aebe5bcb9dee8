// Binary-search lookups over the generated Unicode tables, with ASCII fast paths (most text is ASCII).
#include "tokenizer/unicode.h"

#include <algorithm>

#include "tokenizer/unicode_data.h"

namespace ce::unicode {
namespace {

using namespace ce::unicode_data;

bool in_ranges(const CodePointRange* table, size_t size, char32_t c) {
  const CodePointRange* end = table + size;
  // First range whose upper bound is >= c; c is inside iff that range starts at or before c.
  const CodePointRange* it =
      std::lower_bound(table, end, c, [](const CodePointRange& r, char32_t v) { return r.hi < v; });
  return it != end && it->lo <= c;
}

const CodePointMapping* find_mapping(const CodePointMapping* table, size_t size, char32_t c) {
  const CodePointMapping* end = table + size;
  const CodePointMapping* it =
      std::lower_bound(table, end, c, [](const CodePointMapping& m, char32_t v) { return m.cp < v; });
  return (it != end && it->cp == c) ? it : nullptr;
}

constexpr char32_t kHangulBase = 0xAC00, kHangulCount = 11172;
constexpr char32_t kLeadBase = 0x1100, kVowelBase = 0x1161, kTrailBase = 0x11A7;
constexpr char32_t kVowelCount = 21, kTrailCount = 28;

}  // namespace

bool is_removed_by_clean_text(char32_t c) {
  if (c < 0x80) return c < 0x20 ? (c != '\t' && c != '\n' && c != '\r') : c == 0x7F;
  return in_ranges(kRemovedByCleanText, kRemovedByCleanTextSize, c);
}

bool is_whitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return in_ranges(kWhiteSpace, kWhiteSpaceSize, c);
}

bool is_punctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  }
  return in_ranges(kPunctuation, kPunctuationSize, c);
}

bool is_mark_nonspacing(char32_t c) {
  if (c < 0x300) return false;
  return in_ranges(kMarkNonspacing, kMarkNonspacingSize, c);
}

bool is_letter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return in_ranges(kLetter, kLetterSize, c);
}

bool is_number(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return in_ranges(kNumber, kNumberSize, c);
}

bool is_chinese_char(char32_t c) {
  // The block list of HF's BertNormalizer (not a Unicode property, so not generated).
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

unsigned combining_class(char32_t c) {
  if (c < 0x300) return 0;
  const CombiningClass* end = kCombiningClass + kCombiningClassSize;
  const CombiningClass* it =
      std::lower_bound(kCombiningClass, end, c, [](const CombiningClass& e, char32_t v) { return e.cp < v; });
  return (it != end && it->cp == c) ? it->ccc : 0;
}

void append_decomposition(char32_t c, std::u32string& out) {
  if (c < 0xC0) {
    out.push_back(c);
    return;
  }
  if (c >= kHangulBase && c < kHangulBase + kHangulCount) {
    const char32_t s = c - kHangulBase;
    out.push_back(kLeadBase + s / (kVowelCount * kTrailCount));
    out.push_back(kVowelBase + (s % (kVowelCount * kTrailCount)) / kTrailCount);
    if (s % kTrailCount != 0) out.push_back(kTrailBase + s % kTrailCount);
    return;
  }
  const CodePointMapping* m = find_mapping(kDecomposition, kDecompositionSize, c);
  if (m == nullptr) {
    out.push_back(c);
    return;
  }
  out.append(kDecompositionPool + m->offset, m->length);
}

void append_lowercase(char32_t c, std::u32string& out) {
  if (c < 0x80) {
    out.push_back((c >= 'A' && c <= 'Z') ? c + 32 : c);
    return;
  }
  const CodePointMapping* m = find_mapping(kLowercase, kLowercaseSize, c);
  if (m == nullptr) {
    out.push_back(c);
    return;
  }
  out.append(kLowercasePool + m->offset, m->length);
}

}  // namespace ce::unicode
