// Unicode property lookups for the normalizers and pre-tokenizers, over the generated tables.
#pragma once

#include <string>

namespace ce::unicode {

bool is_removed_by_clean_text(char32_t c);  // NUL, U+FFFD, control/format/private-use (not \t \n \r)
bool is_whitespace(char32_t c);             // White_Space
bool is_punctuation(char32_t c);            // ASCII punctuation or P* (HF's BertPreTokenizer definition)
bool is_mark_nonspacing(char32_t c);        // Mn
bool is_letter(char32_t c);                 // L* (regex \p{L})
bool is_number(char32_t c);                 // N* (regex \p{N})
bool is_chinese_char(char32_t c);           // HF's CJK ideograph ranges
unsigned combining_class(char32_t c);       // canonical combining class, 0 for starters

// Appends the full canonical decomposition of c (itself when it has none; Hangul algorithmically).
void append_decomposition(char32_t c, std::u32string& out);
// Appends the full lowercase mapping of c (itself when it has none), as Rust's char::to_lowercase.
void append_lowercase(char32_t c, std::u32string& out);

}  // namespace ce::unicode
