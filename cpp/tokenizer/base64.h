// Standard base64 (RFC 4648, '=' padding) decoding, for tokenizer.json's precompiled_charsmap.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ce {

// The decoded bytes, or nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ce
