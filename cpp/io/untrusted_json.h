// JSON from model files is untrusted: parse_json bounds its nesting (kMaxJsonDepth), and values quoted in error
// messages are described in a few bounded words, never dumped (dump() recurses once per nesting level).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"
#include "io/json.h"

namespace ce {

// A short description of `value` for an error message: scalars as JSON (strings cut to 64 bytes), an array of up
// to 8 scalars as JSON, anything else by its type and size ("an array of 3 elements (the first is an object)").
// Never recurses into nested values, so any value, however deep or long, yields at most a few hundred bytes.
std::string describe_json(const Json& value);

// `text`, cut to `max_bytes` bytes (then "..." and the full length follow), for names taken from a file.
std::string bounded_excerpt(std::string_view text, size_t max_bytes = 200);

// `text` between `quote` characters, cut to `max_bytes` bytes (then "..." and the full length follow), for names
// taken from a file.
std::string bounded_quote(std::string_view text, char quote = '\'', size_t max_bytes = 200);

}  // namespace ce
