// ce::Json: a read-mostly JSON value and a strict parser for the untrusted JSON in model directories.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/error.h"

namespace ce {

// Real model files nest a few levels (tokenizer.json's deepest, a normalizer sequence inside a sequence, about 8).
inline constexpr size_t kMaxJsonDepth = 128;

struct JsonMember;

// Thrown by the typed accessors (get<T>, at, operator[]) when a value has another type or lacks a key: callers
// check the type first and name the file and field themselves, so reaching this is a caller's missed check.
class JsonAccessError : public Error {
 public:
  explicit JsonAccessError(const std::string& what) : Error(ErrorCode::InvalidArgument, "JSON value: " + what) {}
};

// A JSON value. Numbers keep the form they were written in, as nlohmann::json classifies them: without a fraction
// or exponent, Unsigned when >= 0 and it fits uint64, Integer when negative and it fits int64; Float otherwise.
// Objects keep their members sorted by key, one per key (a repeated key keeps its last value), so lookup is a
// binary search and iteration is in key order.
class Json {
 public:
  enum class Type : uint8_t { Null, Boolean, Integer, Unsigned, Float, String, Array, Object };
  using Array = std::vector<Json>;
  using Object = std::vector<JsonMember>;

  // Arrays iterate their elements; objects their values in key order, with key() alongside.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Json;
    using difference_type = std::ptrdiff_t;
    using pointer = const Json*;
    using reference = const Json&;

    const_iterator() = default;
    reference operator*() const;
    pointer operator->() const { return &**this; }
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& other) const = default;
    // The member's key; only for an iterator into an object.
    const std::string& key() const;
    const Json& value() const { return **this; }

   private:
    friend class Json;
    const Json* element_ = nullptr;
    const JsonMember* member_ = nullptr;
  };

  // An object's members, for `for (const auto& [key, value] : obj.items())` or `m.key()` / `m.value()`.
  struct Items {
    const JsonMember* first;
    const JsonMember* last;
    const JsonMember* begin() const { return first; }
    const JsonMember* end() const { return last; }
  };

  // (Defined below JsonMember: constructing the storage needs that type complete.)
  Json();
  Json(const Json&);
  Json(Json&&) noexcept;
  Json& operator=(const Json&);
  Json& operator=(Json&&) noexcept;
  // Iterative: a value nested however deep (built in code; parsed ones are bounded) is freed without recursion.
  ~Json();
  Json(std::nullptr_t);
  Json(bool b);
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  Json(T n);
  Json(double d);
  Json(const char* s);
  Json(std::string s);
  Json(std::string_view s);

  static Json array(Array elements = {});
  // Members sorted by key; of repeated keys the last one given stays.
  static Json object(std::vector<JsonMember> members);
  static Json object();

  Type type() const { return static_cast<Type>(v_.index()); }
  // nlohmann's names: "null", "boolean", "number", "string", "array", "object".
  const char* type_name() const;
  bool is_null() const { return type() == Type::Null; }
  bool is_boolean() const { return type() == Type::Boolean; }
  bool is_number() const { return is_number_integer() || is_number_float(); }
  bool is_number_integer() const { return type() == Type::Integer || type() == Type::Unsigned; }
  bool is_number_unsigned() const { return type() == Type::Unsigned; }
  bool is_number_float() const { return type() == Type::Float; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_object() const { return type() == Type::Object; }
  bool is_primitive() const { return !is_array() && !is_object(); }

  // Elements of an array, members of an object; 0 for null and 1 for any other scalar (as nlohmann).
  size_t size() const;
  bool empty() const { return size() == 0; }

  const_iterator begin() const;
  const_iterator end() const;
  const Json& front() const;
  const Json& back() const;
  Items items() const;

  // Object lookup; end() (and false) for a missing key or a value that is not an object.
  const_iterator find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != end(); }
  // Lookups that throw JsonAccessError for a missing key, an index out of range or a value of another type.
  const Json& at(std::string_view key) const;
  const Json& at(size_t index) const;
  const Json& operator[](std::string_view key) const { return at(key); }
  const Json& operator[](const char* key) const { return at(std::string_view(key)); }
  const Json& operator[](size_t index) const { return at(index); }
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, size_t> && !std::is_same_v<T, bool>)
  const Json& operator[](T index) const {
    if (index < 0) throw JsonAccessError("negative array index");
    return at(static_cast<size_t>(index));
  }
  // A copy of obj[key], or `fallback` when this is not an object or lacks the key.
  Json value(std::string_view key, const Json& fallback) const;

  // The value as T: bool from a boolean; std::string from a string; double and float from any number (float as
  // static_cast<float> of the stored number, as nlohmann); an integer type from an integer number whose value fits
  // T. Anything else throws JsonAccessError.
  template <typename T>
  T get() const;
  // The value as T when it is an integer number that fits T, else nullopt: for range checks on untrusted ids.
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  std::optional<T> get_integer() const;
  template <typename T>
    requires std::is_same_v<T, const std::string&>
  const std::string& get_ref() const {
    return string_ref();
  }

  // Compact JSON, as nlohmann's dump(): no spaces, keys in order, floats in the shortest form that reads back
  // (an integral float keeps a ".0"); a string's bytes that are not UTF-8 are written as U+FFFD.
  std::string dump() const;

  // Array building (fixtures, synthesized components).
  void push_back(Json element);

  // nlohmann's equality: numbers by value across integer, unsigned and float; the rest by type and content.
  friend bool operator==(const Json& a, const Json& b);

 private:
  friend class JsonParser;
  // Moves the non-empty arrays and objects directly inside this one onto `out`.
  void move_nested_containers(std::vector<Json>& out);
  const std::string& string_ref() const;
  const Array& array_ref() const;
  const Object& object_ref() const;
  double float_value() const;

  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array, Object> v_;
};

// An object's member. Public fields so that structured bindings work; key()/value() as nlohmann's items().
struct JsonMember {
  std::string first;
  Json second;
  const std::string& key() const { return first; }
  const Json& value() const { return second; }
  friend bool operator==(const JsonMember& a, const JsonMember& b) = default;
};

inline Json::Json() = default;
inline Json::Json(const Json&) = default;
inline Json::Json(Json&&) noexcept = default;
inline Json& Json::operator=(const Json&) = default;
inline Json& Json::operator=(Json&&) noexcept = default;
inline Json::Json(std::nullptr_t) {}
inline Json::Json(bool b) : v_(b) {}
template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
Json::Json(T n) {
  // Signed types give Integer and unsigned ones Unsigned, as nlohmann's constructors do.
  if constexpr (std::is_signed_v<T>) {
    v_ = static_cast<int64_t>(n);
  } else {
    v_ = static_cast<uint64_t>(n);
  }
}
inline Json::Json(double d) : v_(d) {}
inline Json::Json(const char* s) : v_(std::string(s)) {}
inline Json::Json(std::string s) : v_(std::move(s)) {}
inline Json::Json(std::string_view s) : v_(std::string(s)) {}

inline const Json& Json::const_iterator::operator*() const { return member_ ? member_->second : *element_; }

inline Json::const_iterator& Json::const_iterator::operator++() {
  if (member_) {
    ++member_;
  } else {
    ++element_;
  }
  return *this;
}

template <typename T>
T Json::get() const {
  if constexpr (std::is_same_v<T, bool>) {
    if (!is_boolean()) throw JsonAccessError(std::string("expected a boolean, got ") + type_name());
    return std::get<bool>(v_);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return string_ref();
  } else if constexpr (std::is_same_v<T, double>) {
    return float_value();
  } else if constexpr (std::is_same_v<T, float>) {
    // Straight from the stored number, as nlohmann converts (an integer is not rounded to double first).
    if (type() == Type::Integer) return static_cast<float>(std::get<int64_t>(v_));
    if (type() == Type::Unsigned) return static_cast<float>(std::get<uint64_t>(v_));
    return static_cast<float>(float_value());
  } else if constexpr (std::is_integral_v<T>) {
    const std::optional<T> v = get_integer<T>();
    if (!v) {
      throw JsonAccessError(is_number_integer() ? std::string("the integer ") + dump() + " is out of range here"
                                                : std::string("expected an integer, got ") + type_name());
    }
    return *v;
  } else {
    static_assert(!sizeof(T), "Json::get<T>: unsupported type");
  }
}

template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
std::optional<T> Json::get_integer() const {
  if (type() == Type::Integer) {
    const int64_t v = std::get<int64_t>(v_);
    if constexpr (std::is_signed_v<T>) {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return std::nullopt;
    } else {
      if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) return std::nullopt;
    }
    return static_cast<T>(v);
  }
  if (type() == Type::Unsigned) {
    const uint64_t v = std::get<uint64_t>(v_);
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(v);
  }
  return std::nullopt;
}

struct JsonParseOptions {
  ErrorCode code = ErrorCode::InvalidArgument;  // the code of every parse error
  size_t max_depth = kMaxJsonDepth;             // arrays and objects nested deeper are an error
  bool reject_duplicate_keys = false;           // an object naming a key twice is an error (else the last wins)
};

// Parses `text` as exactly one JSON value (RFC 8259: strict UTF-8, no comments, NaN or trailing commas; only
// whitespace after the value). Throws Error(options.code, "<source>: ...") saying what is wrong, at which byte,
// line and column, and inside which keys.
Json parse_json(std::string_view text, const std::string& source, const JsonParseOptions& options = {});

}  // namespace ce
