// Declarations of the generated normalization tables (cpp/tokenizer/normalization_data.cpp, from
// tools/unicode/gen_normalization_tables.py).
#pragma once

#include "tokenizer/unicode_data.h"

namespace ce::unicode_data {

struct Composition {
  char32_t first, second, composite;
};

// Full compatibility decompositions where they differ from the canonical ones (kDecomposition), by cp.
extern const char32_t kCompatDecompositionPool[];
extern const CodePointMapping kCompatDecomposition[];
extern const size_t kCompatDecompositionSize;

// Primary composites, sorted by (first, second); Hangul excluded (algorithmic).
extern const Composition kComposition[];
extern const size_t kCompositionSize;

}  // namespace ce::unicode_data
