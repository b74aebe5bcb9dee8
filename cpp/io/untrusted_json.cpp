// Non-recursive, bounded descriptions of JSON values read from untrusted model files.
#include "io/untrusted_json.h"

#include <vector>

namespace ce {

namespace {

bool is_scalar(const Json& v) { return v.is_primitive(); }

// Scalars only: the caller checks is_scalar first, so dump() cannot recurse here.
std::string describe_scalar(const Json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    constexpr size_t kMaxString = 64;
    // dump() writes bytes that are not UTF-8 (the cut may split a character) as U+FFFD.
    if (s.size() <= kMaxString) return v.dump();
    return Json(s.substr(0, kMaxString)).dump() + "... (" +
           std::to_string(s.size()) + " bytes)";
  }
  return v.dump();
}

const char* kind_of(const Json& v) {
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "null";
}

std::string plural(size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

}  // namespace

std::string describe_json(const Json& value) {
  if (is_scalar(value)) return describe_scalar(value);
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
