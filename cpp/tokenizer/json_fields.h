// Typed field reads for tokenizer.json components, each failure an InvalidTokenizer naming the file and the field.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "io/json.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/utf8.h"

namespace ce::json_fields {

// node[key] as a string; `fallback` when absent or null (an error without one).
inline std::string string_field(const TokenizerJson& t, const Json& node, const char* key,
                                const std::string& where, const std::optional<std::string>& fallback = std::nullopt) {
  auto it = node.find(key);
  if (it == node.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw tokenizer_json_invalid(t, where + " has no \"" + key + "\"");
  }
  if (!it->is_string()) throw tokenizer_json_invalid(t, where + "." + key + " must be a string");
  return it->get<std::string>();
}

inline bool bool_field(const TokenizerJson& t, const Json& node, const char* key, const std::string& where,
                       bool fallback) {
  return optional_bool(node, key, t.path + " (" + where + ")").value_or(fallback);
}

inline const Json& array_field(const TokenizerJson& t, const Json& node, const char* key,
                                         const std::string& where) {
  auto it = node.find(key);
  if (it == node.end() || !it->is_array()) throw tokenizer_json_invalid(t, where + "." + key + " must be an array");
  return *it;
}

inline std::u32string to_u32(const std::string& s) {
  std::u32string out;
  utf8::decode(s, out);
  return out;
}

}  // namespace ce::json_fields
