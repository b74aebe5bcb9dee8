// Declarations of the generated segmentation tables (segmentation_data.cpp, from tools/unicode/gen_segmentation_tables.py).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ce::segmentation_data {

struct ValueRange {
  char32_t lo, hi;  // inclusive
  uint8_t value;
};

// Sorted, non-overlapping ranges; code points outside every range have value 0.
extern const ValueRange kGraphemeBreak[];  // Grapheme_Cluster_Break, values as GraphemeBreak in segmentation.h
extern const size_t kGraphemeBreakSize;
extern const ValueRange kIndicConjunctBreak[];  // InCB: 1 Consonant, 2 Extend, 3 Linker
extern const size_t kIndicConjunctBreakSize;
extern const ValueRange kExtendedPictographic[];
extern const size_t kExtendedPictographicSize;
extern const ValueRange kWordCharacter[];  // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
extern const size_t kWordCharacterSize;
extern const ValueRange kMark[];  // General_Category M (Mn, Mc, Me)
extern const size_t kMarkSize;

}  // namespace ce::segmentation_data
