// Text segmentation as HF tokenizers' Rust crates do it: extended grapheme clusters (UAX #29, the
// unicode-segmentation crate, used by the Precompiled normalizer) and the \w class of the Rust regex crate.
#pragma once

#include <cstddef>
#include <string>

namespace ce::segmentation {

bool is_word_character(char32_t c);  // Rust regex \w (Unicode): Alphabetic, M, Nd, Pc, Join_Control
bool is_mark(char32_t c);            // General_Category M: what StripAccents removes

// End (exclusive) of the extended grapheme cluster of `text` that starts at `begin` (< text.size()).
size_t grapheme_end(const std::u32string& text, size_t begin);

}  // namespace ce::segmentation
