// JSON from model files is untrusted: its nesting is bounded before it is parsed, and values quoted in error
// messages are described in a few bounded words, never dumped (dump() recurses once per nesting level).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/error.h"

namespace ce {

// Real model files nest a few levels (tokenizer.json's deepest, a normalizer sequence inside a sequence, about 8).
inline constexpr size_t kMaxJsonDepth = 128;

// Throws Error(code, "<source>: ...") when the arrays and objects of `text` nest deeper than `max_depth`. A lexical
// scan (strings and escapes skipped) that needs no valid JSON: the parser reports syntax errors afterwards.
void check_json_depth(std::string_view text, const std::string& source, ErrorCode code,
                      size_t max_depth = kMaxJsonDepth);

// A short description of `value` for an error message: scalars as JSON (strings cut to 64 bytes), an array of up
// to 8 scalars as JSON, anything else by its type and size ("an array of 3 elements (the first is an object)").
// Never recurses into nested values, so any value, however deep or long, yields at most a few hundred bytes.
std::string describe_json(const nlohmann::json& value);

// `text`, cut to `max_bytes` bytes (then "..." and the full length follow), for names taken from a file.
std::string bounded_excerpt(std::string_view text, size_t max_bytes = 200);

// `text` between `quote` characters, cut to `max_bytes` bytes (then "..." and the full length follow), for names
// taken from a file.
std::string bounded_quote(std::string_view text, char quote = '\'', size_t max_bytes = 200);

}  // namespace ce
