// UTF-8 <-> code points. Decoding never fails: each maximal invalid subpart becomes U+FFFD (as JS does).
#pragma once

#include <string>
#include <string_view>

namespace ce::utf8 {

// Replaces `out` with the code points of `text`.
void decode(std::string_view text, std::u32string& out);
// Appends the UTF-8 encoding of c (a Unicode scalar value).
void append(char32_t c, std::string& out);

}  // namespace ce::utf8
