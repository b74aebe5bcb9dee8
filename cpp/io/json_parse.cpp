// The strict JSON parser behind parse_json: recursive descent bounded by max_depth, every byte checked, errors
// that name the byte, line, column and the keys around the fault.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

#include "io/json.h"

namespace ce {

namespace {

// A parse failure on its way out; the enclosing objects and arrays add their key or index as it passes them.
struct JsonFailure {
  std::string what;
  size_t offset;
  bool syntax;                    // a violation of the grammar (else a limit or an option)
  std::vector<std::string> path;  // innermost first
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One character of the input for a message: printable ASCII quoted, anything else by its byte value.
std::string describe_at(std::string_view text, size_t pos) {
  if (pos >= text.size()) return "the end of the text";
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

std::string path_key(const std::string& key) {
  constexpr size_t kMaxKey = 40;
  if (key.size() <= kMaxKey) return "'" + key + "'";
  return "'" + key.substr(0, kMaxKey) + "...'";
}

}  // namespace

class JsonParser {
 public:
  JsonParser(std::string_view text, const JsonParseOptions& options) : text_(text), options_(options) {}

  Json parse_document() {
    Json root;
    parse_value(root, 0);
    skip_whitespace();
    if (pos_ != text_.size()) fail("expected nothing but whitespace after the value, got " + describe_at(text_, pos_));
    return root;
  }

 private:
  [[noreturn]] void fail(std::string what, size_t offset) { throw JsonFailure{std::move(what), offset, true, {}}; }
  [[noreturn]] void fail(std::string what) { fail(std::move(what), pos_); }
  [[noreturn]] void refuse(std::string what, size_t offset) { throw JsonFailure{std::move(what), offset, false, {}}; }

  void skip_whitespace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      ++pos_;
    }
  }

  void parse_value(Json& out, size_t depth) {
    skip_whitespace();
    if (pos_ >= text_.size()) fail("expected a value, got the end of the text");
    switch (text_[pos_]) {
      case '{':
      case '[':
        if (depth + 1 > options_.max_depth) {
          refuse("the JSON nests deeper than " + std::to_string(options_.max_depth) +
                     " levels; no model file does, so the file is corrupt or hostile",
                 pos_);
        }
        if (text_[pos_] == '{') {
          parse_object(out, depth + 1);
        } else {
          parse_array(out, depth + 1);
        }
        return;
      case '"':
        parse_string(out.v_.emplace<std::string>());
        return;
      case 't': parse_literal("true", out, Json(true)); return;
      case 'f': parse_literal("false", out, Json(false)); return;
      case 'n': parse_literal("null", out, Json()); return;
      default:
        if (text_[pos_] == '-' || is_digit(text_[pos_])) {
          parse_number(out);
          return;
        }
        fail("expected a value, got " + describe_at(text_, pos_));
    }
  }

  void parse_literal(std::string_view word, Json& out, Json value) {
    if (text_.substr(pos_, word.size()) != word) fail("expected a value, got " + describe_at(text_, pos_));
    pos_ += word.size();
    out = std::move(value);
  }

  void parse_array(Json& out, size_t depth) {
    ++pos_;  // '['
    Json::Array& elements = out.v_.emplace<Json::Array>();
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      elements.emplace_back();
      try {
        parse_value(elements.back(), depth);
      } catch (JsonFailure& f) {
        f.path.push_back("[" + std::to_string(elements.size() - 1) + "]");
        throw;
      }
      skip_whitespace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return;
      }
      fail("expected ',' or ']' after an array element, got " + describe_at(text_, pos_));
    }
  }

  void parse_object(Json& out, size_t depth) {
    const size_t start = pos_;
    ++pos_;  // '{'
    Json::Object members;
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out.v_.emplace<Json::Object>();
      return;
    }
    for (;;) {
      skip_whitespace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        fail("expected a string key in an object, got " + describe_at(text_, pos_));
      }
      JsonMember& member = members.emplace_back();
      parse_string(member.first);
      skip_whitespace();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        fail("expected ':' after the key " + path_key(member.first) + ", got " + describe_at(text_, pos_));
      }
      ++pos_;
      try {
        parse_value(member.second, depth);
      } catch (JsonFailure& f) {
        f.path.push_back(path_key(member.first));
        throw;
      }
      skip_whitespace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        break;
      }
      fail("expected ',' or '}' after an object member, got " + describe_at(text_, pos_));
    }
    order_members(members, start);
    out.v_ = std::move(members);
  }

  // Sorts by key (stable: equal keys stay in file order) and keeps the last of each key, as nlohmann's std::map
  // does when a key repeats; or rejects the repeat when asked to.
  void order_members(Json::Object& members, size_t start) {
    auto less = [](const JsonMember& a, const JsonMember& b) { return a.first < b.first; };
    bool strictly_sorted = true;
    for (size_t i = 1; i < members.size() && strictly_sorted; ++i) {
      strictly_sorted = less(members[i - 1], members[i]);
    }
    if (strictly_sorted) return;
    std::stable_sort(members.begin(), members.end(), less);
    size_t kept = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].first == members[i].first) {
        if (options_.reject_duplicate_keys) {
          refuse("the object names " + path_key(members[i].first) + " more than once", start);
        }
        continue;
      }
      if (kept != i) members[kept] = std::move(members[i]);
      ++kept;
    }
    members.resize(kept);
  }

  // Appends the code point as UTF-8.
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Four hex digits after "\u" at pos_ (which is just past the 'u').
  uint32_t parse_hex4() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= text_.size()) fail("expected four hex digits after \\u, got the end of the text");
      const char c = text_[pos_];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        fail("expected four hex digits after \\u, got " + describe_at(text_, pos_));
      }
      v = (v << 4) | d;
      ++pos_;
    }
    return v;
  }

  // The length of the well-formed UTF-8 sequence at pos_ (RFC 3629: no overlong forms, no surrogates, nothing
  // above U+10FFFF), or 0.
  size_t utf8_sequence_length() const {
    const auto byte = [&](size_t i) -> unsigned {
      return pos_ + i < text_.size() ? static_cast<unsigned char>(text_[pos_ + i]) : 0u;
    };
    const auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
      const unsigned b = byte(i);
      return pos_ + i < text_.size() && b >= lo && b <= hi;
    };
    const unsigned b0 = byte(0);
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (b0 == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  void parse_string(std::string& out) {
    ++pos_;  // the opening quote
    for (;;) {
      // Copy the run of plain ASCII in one go.
      size_t run = pos_;
      while (run < text_.size()) {
        const unsigned char c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out.append(text_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= text_.size()) fail("a string is not closed before the end of the text");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c < 0x20) fail("a control character (" + describe_at(text_, pos_) + ") must be escaped in a string");
      if (c >= 0x80) {
        const size_t n = utf8_sequence_length();
        if (n == 0) fail("a string holds bytes that are not UTF-8 (" + describe_at(text_, pos_) + ")");
        out.append(text_.data() + pos_, n);
        pos_ += n;
        continue;
      }
      parse_escape(out);
    }
  }

  void parse_escape(std::string& out) {
    const size_t start = pos_;
    ++pos_;  // the backslash
    if (pos_ >= text_.size()) fail("a string is not closed before the end of the text");
    const char e = text_[pos_++];
    switch (e) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: fail("unknown escape \\" + std::string(1, e) + " in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", start);
    }
    uint32_t cp = parse_hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) fail("\\u escape of a low surrogate without a high surrogate before it", start);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") fail("\\u escape of a high surrogate not followed by a \\u low surrogate", start);
      pos_ += 2;
      const uint32_t low = parse_hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("\\u escape of a high surrogate not followed by a \\u low surrogate", start);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
  }

  // RFC 8259's number grammar; the value classified as nlohmann does (see Json).
  void parse_number(Json& out) {
    const size_t start = pos_;
    const bool negative = text_[pos_] == '-';
    if (negative) ++pos_;
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected a digit after '-', got " + describe_at(text_, pos_));
    const size_t int_begin = pos_;
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    const size_t int_end = pos_;
    bool is_float = false;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
        fail("expected a digit after the decimal point, got " + describe_at(text_, pos_));
      }
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      is_float = true;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) {
        fail("expected a digit in the exponent, got " + describe_at(text_, pos_));
      }
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
      is_float = true;
    }
    if (!is_float) {
      uint64_t magnitude = 0;
      bool overflow = false;
      for (size_t i = int_begin; i < int_end && !overflow; ++i) {
        overflow = __builtin_mul_overflow(magnitude, uint64_t{10}, &magnitude) ||
                   __builtin_add_overflow(magnitude, static_cast<uint64_t>(text_[i] - '0'), &magnitude);
      }
      if (!overflow && !negative) {
        out.v_ = magnitude;
        return;
      }
      constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;  // -INT64_MIN
      if (!overflow && magnitude <= kMinMagnitude) {
        out.v_ = magnitude == kMinMagnitude ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
        return;
      }
      // Beyond 64 bits: a float, as nlohmann reads it.
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    double value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec == std::errc::result_out_of_range) {
      if (magnitude_exponent(token) > 0) {
        fail("the number " + std::string(token.substr(0, 40)) + " is beyond the range of a double", start);
      }
      value = negative ? -0.0 : 0.0;  // underflow: the nearest double is zero, as strtod gives
    } else if (ec != std::errc() || end != token.data() + token.size()) {
      fail("cannot read the number " + std::string(token.substr(0, 40)), start);
    }
    out.v_ = value;
  }

  // Roughly log10 of a number token that from_chars found out of range: > 0 means too big, else too small.
  static int64_t magnitude_exponent(std::string_view token) {
    size_t i = token[0] == '-' ? 1 : 0;
    int64_t digits_before_point = 0, zeros_after_point = 0;
    bool nonzero_seen = false;
    for (; i < token.size() && is_digit(token[i]); ++i) {
      if (token[i] != '0') nonzero_seen = true;
      if (nonzero_seen) ++digits_before_point;
    }
    if (i < token.size() && token[i] == '.') {
      for (++i; i < token.size() && is_digit(token[i]); ++i) {
        if (!nonzero_seen && token[i] == '0') ++zeros_after_point;
        if (token[i] != '0') nonzero_seen = true;
      }
    }
    int64_t exponent = 0;
    if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
      ++i;
      const bool negative_exponent = i < token.size() && token[i] == '-';
      if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
      for (; i < token.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (token[i] - '0'), int64_t{1} << 40);
      if (negative_exponent) exponent = -exponent;
    }
    return (digits_before_point > 0 ? digits_before_point : -zeros_after_point) + exponent;
  }

  std::string_view text_;
  const JsonParseOptions& options_;
  size_t pos_ = 0;
};

Json parse_json(std::string_view text, const std::string& source, const JsonParseOptions& options) {
  try {
    return JsonParser(text, options).parse_document();
  } catch (JsonFailure& f) {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < f.offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    std::string message = source + ": " + (f.syntax ? "not valid JSON: " : "") + f.what + " (at byte " + std::to_string(f.offset) + ", line " +
                          std::to_string(line) + ", column " + std::to_string(f.offset - line_start + 1) + ")";
    if (!f.path.empty()) {
      // The outermost keys say where in the file; a deep path is cut after a few.
      constexpr size_t kMaxShown = 6;
      message += ", inside ";
      for (size_t n = 0; n < f.path.size() && n < kMaxShown; ++n) {
        message += (n ? " > " : "") + f.path[f.path.size() - 1 - n];
      }
      if (f.path.size() > kMaxShown) message += " > ... (" + std::to_string(f.path.size()) + " levels)";
    }
    throw Error(options.code, message);
  }
}

}  // namespace ce
