// Declarations of the generated Unicode tables (cpp/tokenizer/unicode_data.cpp, from tools/unicode/).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ce::unicode_data {

struct CodePointRange {
  char32_t lo, hi;  // inclusive
};

struct CodePointMapping {
  char32_t cp;
  uint16_t offset;  // into the table's pool
  uint8_t length;
};

struct CombiningClass {
  char32_t cp;
  uint8_t ccc;
};

// Sorted, non-overlapping ranges.
extern const CodePointRange kRemovedByCleanText[];  // NUL, U+FFFD, Cc/Cf/Co/Cs except \t \n \r
extern const size_t kRemovedByCleanTextSize;
extern const CodePointRange kWhiteSpace[];  // White_Space property
extern const size_t kWhiteSpaceSize;
extern const CodePointRange kPunctuation[];  // ASCII punctuation or P*
extern const size_t kPunctuationSize;
extern const CodePointRange kMarkNonspacing[];  // Mn
extern const size_t kMarkNonspacingSize;
extern const CodePointRange kLetter[];  // L* (regex \p{L})
extern const size_t kLetterSize;
extern const CodePointRange kNumber[];  // N* (regex \p{N})
extern const size_t kNumberSize;

// Sorted by cp; only non-zero classes.
extern const CombiningClass kCombiningClass[];
extern const size_t kCombiningClassSize;

// Full (recursive) canonical decompositions, Hangul syllables excluded.
extern const char32_t kDecompositionPool[];
extern const CodePointMapping kDecomposition[];
extern const size_t kDecompositionSize;

// Full lowercase mappings (unconditional SpecialCasing included), only where they differ from the cp.
extern const char32_t kLowercasePool[];
extern const CodePointMapping kLowercase[];
extern const size_t kLowercaseSize;

}  // namespace ce::unicode_data
