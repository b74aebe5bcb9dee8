// Depth bound and non-recursive descriptions for JSON read from untrusted model files.
#include "io/untrusted_json.h"

#include <vector>

namespace ce {

namespace {

using nlohmann::json;

bool is_scalar(const json& v) { return !v.is_array() && !v.is_object() && !v.is_binary(); }

// Scalars only: the caller checks is_scalar first, so dump() cannot recurse here.
std::string describe_scalar(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    constexpr size_t kMaxString = 64;
    if (s.size() <= kMaxString) return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    return json(s.substr(0, kMaxString)).dump(-1, ' ', false, json::error_handler_t::replace) + "... (" +
           std::to_string(s.size()) + " bytes)";
  }
  return v.dump();
}

const char* kind_of(const json& v) {
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  if (v.is_binary()) return "binary data";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "null";
}

std::string plural(size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

}  // namespace

void check_json_depth(std::string_view text, const std::string& source, ErrorCode code, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        throw Error(code, source + ": JSON nests deeper than " + std::to_string(max_depth) + " levels (at byte " +
                              std::to_string(i) + "); no model file does, so the file is corrupt or hostile");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

std::string describe_json(const json& value) {
  if (is_scalar(value)) return describe_scalar(value);
  if (value.is_binary()) return "binary data";
  if (value.is_object()) return "an object with " + plural(value.size(), "key");
  // An array: shown as JSON when short and flat, else by size and the kind of its first element.
  constexpr size_t kMaxShown = 8;
  bool flat = value.size() <= kMaxShown;
  for (const auto& e : value) flat = flat && is_scalar(e);
  if (flat) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + describe_scalar(value[i]);
    return out + "]";
  }
  std::string out = "an array of " + plural(value.size(), "element");
  if (!value.empty()) out += std::string(" (the first is ") + kind_of(value[0]) + ")";
  return out;
}

std::string bounded_excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(text.substr(0, max_bytes)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string bounded_quote(std::string_view text, char quote, size_t max_bytes) {
  if (text.size() <= max_bytes) return quote + std::string(text) + quote;
  return quote + std::string(text.substr(0, max_bytes)) + "..." + quote + " (" + std::to_string(text.size()) +
         " bytes)";
}

}  // namespace ce
