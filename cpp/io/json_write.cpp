// Json::dump: compact JSON text in nlohmann's format (used for messages and test fixtures).
#include <charconv>
#include <cmath>
#include <cstdio>

#include "io/json.h"

namespace ce {

namespace {

void write_string(std::string& out, const std::string& s) {
  out += '"';
  static const char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Keep a well-formed UTF-8 sequence; anything else becomes U+FFFD (a cut or corrupt string in a message).
      size_t n = 0;
      uint32_t cp = 0;
      if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
      else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
      else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
      bool ok = n > 0 && i + n <= s.size();
      for (size_t k = 1; ok && k < n; ++k) {
        const unsigned char b = static_cast<unsigned char>(s[i + k]);
        ok = (b & 0xC0) == 0x80;
        cp = (cp << 6) | (b & 0x3F);
      }
      ok = ok && !(n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF));
      if (ok) {
        out.append(s, i, n);
        i += n;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

// The shortest digits that read back (to_chars), laid out as nlohmann does: plain decimal for exponents from -4
// to 15 (an integral value keeps ".0"), else d.ddde+XX. (Where two shortest forms exist, the last digit may differ
// from nlohmann's Grisu2: 1e+23 here, 9.999999999999999e+22 there; both read back to the same double.)
void write_float(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";  // nlohmann's choice; the parser never yields these
    return;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);
  // sci: [-]d[.ddd]e[+-]XX
  size_t i = 0;
  std::string sign;
  if (sci[0] == '-') sign = "-", i = 1;
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t k = i; k < e; ++k) {
    if (sci[k] != '.') digits += sci[k];
  }
  const int exponent = std::stoi(sci.substr(e + 1));
  const int n = static_cast<int>(digits.size());
  const int point = exponent + 1;  // digits before the decimal point
  out += sign;
  if (v == 0) {
    out += "0.0";
  } else if (point >= n && point <= 15) {
    out += digits + std::string(point - n, '0') + ".0";
  } else if (point > 0 && point <= 15) {
    out += digits.substr(0, point) + "." + digits.substr(point);
  } else if (point <= 0 && point > -4) {
    out += "0." + std::string(-point, '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (n > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
}

void write(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::Type::Null: out += "null"; return;
    case Json::Type::Boolean: out += j.get<bool>() ? "true" : "false"; return;
    case Json::Type::Integer: out += std::to_string(j.get<int64_t>()); return;
    case Json::Type::Unsigned: out += std::to_string(j.get<uint64_t>()); return;
    case Json::Type::Float: write_float(out, j.get<double>()); return;
    case Json::Type::String: write_string(out, j.get_ref<const std::string&>()); return;
    case Json::Type::Array: {
      out += '[';
      bool first = true;
      for (const Json& e : j) {
        if (!first) out += ',';
        first = false;
        write(out, e);
      }
      out += ']';
      return;
    }
    case Json::Type::Object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.items()) {
        if (!first) out += ',';
        first = false;
        write_string(out, key);
        out += ':';
        write(out, value);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string Json::dump() const {
  std::string out;
  write(out, *this);
  return out;
}

}  // namespace ce
