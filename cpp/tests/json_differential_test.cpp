// ce::Json against nlohmann::json (test-only, an independent reference): every JSON file of test/fixtures and a
// few thousand generated and mutated documents must be accepted or rejected alike and, when accepted, parse to
// equal values (numbers by type and bits, strings byte for byte, objects key by key in key order).
// Deliberate differences, each checked below: nesting deeper than kMaxJsonDepth (ours rejects, nlohmann has no
// limit) and a leading UTF-8 byte order mark (nlohmann skips it; RFC 8259 parsers such as Python's json and
// serde_json, which read these files upstream, reject it).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "io/json.h"
#include "test_gzip.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Empty when equal, else where and how the two values differ.
std::string difference(const Json& ours, const json& ref, const std::string& where = "$") {
  using T = Json::Type;
  switch (ref.type()) {
    case json::value_t::null:
      return ours.is_null() ? "" : where + ": expected null";
    case json::value_t::boolean:
      return ours.is_boolean() && ours.get<bool>() == ref.get<bool>() ? "" : where + ": boolean differs";
    case json::value_t::number_integer:
      return ours.type() == T::Integer && ours.get<int64_t>() == ref.get<int64_t>() ? "" : where + ": integer differs";
    case json::value_t::number_unsigned:
      return ours.type() == T::Unsigned && ours.get<uint64_t>() == ref.get<uint64_t>() ? ""
                                                                                        : where + ": unsigned differs";
    case json::value_t::number_float:
      // And dump() reads back to the same bits. (Its text may differ from nlohmann's in the last digit: both are
      // shortest round-trip forms, but Grisu2 and to_chars break ties differently, e.g. 1e+23 vs 9.999999999999999e+22.)
      return ours.type() == T::Float && bits(ours.get<double>()) == bits(ref.get<double>()) &&
                     bits(parse_json(ours.dump(), "dump").get<double>()) == bits(ref.get<double>())
                 ? ""
                 : where + ": float differs (" + ours.dump() + " vs " + ref.dump() + ")";
    case json::value_t::string:
      return ours.is_string() && ours.get_ref<const std::string&>() == ref.get_ref<const std::string&>()
                 ? ""
                 : where + ": string differs";
    case json::value_t::array: {
      if (!ours.is_array() || ours.size() != ref.size()) return where + ": array differs in type or size";
      for (size_t i = 0; i < ref.size(); ++i) {
        std::string d = difference(ours[i], ref[i], where + "[" + std::to_string(i) + "]");
        if (!d.empty()) return d;
      }
      return "";
    }
    case json::value_t::object: {
      if (!ours.is_object() || ours.size() != ref.size()) return where + ": object differs in type or size";
      auto mine = ours.items().begin();
      for (auto it = ref.begin(); it != ref.end(); ++it, ++mine) {
        if (mine->key() != it.key()) return where + ": key '" + mine->key() + "' where nlohmann has '" + it.key() + "'";
        std::string d = difference(mine->value(), it.value(), where + "." + it.key());
        if (!d.empty()) return d;
      }
      return "";
    }
    default:
      return where + ": unexpected nlohmann type";
  }
}

// Parses `text` with both; a failure message when they disagree.
std::string compare(const std::string& text) {
  json ref;
  bool ref_ok = true;
  try {
    ref = json::parse(text);
  } catch (const json::exception&) {
    ref_ok = false;
  }
  try {
    const Json ours = parse_json(text, "doc");
    if (!ref_ok) return "ours accepts, nlohmann rejects";
    return difference(ours, ref);
  } catch (const Error& e) {
    if (ref_ok) return std::string("ours rejects, nlohmann accepts: ") + e.what();
    return "";
  }
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JsonDifferential, EveryFixtureFileParsesAlike) {
  const fs::path root = fs::path(CE_SOURCE_DIR) / "test" / "fixtures";
  size_t documents = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const auto ends_with = [&](const std::string& suffix) {
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const bool gz = ends_with(".gz");
    const std::string base = gz ? name.substr(0, name.size() - 3) : name;
    const bool lines = base.size() > 6 && base.compare(base.size() - 6, 6, ".jsonl") == 0;
    if (!lines && !(base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0)) continue;
    const std::string text = gz ? test::read_gzip(entry.path().string()) : read_file(entry.path());
    if (!lines) {
      EXPECT_EQ(compare(text), "") << entry.path();
      ++documents;
      continue;
    }
    // JSON lines: the first few hundred lines of each file.
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; n < 300 && std::getline(in, line); ++n) {
      EXPECT_EQ(compare(line), "") << entry.path() << " line " << n + 1;
      ++documents;
    }
  }
  EXPECT_GT(documents, 100u);
}

// Random JSON text: every value kind, escapes, surrogates, UTF-8, edge-case numbers, repeated keys, odd spacing.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string document() {
    std::string out;
    value(out, 0);
    return out;
  }

  // A copy of `text` broken in one of a few ways: truncated, a byte changed, inserted or removed.
  std::string mutate(std::string text) {
    if (text.empty()) return text;
    const size_t at = pick(text.size());
    static const std::string kBytes = "{}[],:\"\\ 0-eE.+tfnu/\x01\x7f\x80\xbf\xc3\xed\xf0\xff";
    switch (pick(4)) {
      case 0: return text.substr(0, at);
      case 1: text[at] = kBytes[pick(kBytes.size())]; return text;
      case 2: return text.insert(at, 1, kBytes[pick(kBytes.size())]);
      default: return text.erase(at, 1);
    }
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  void space(std::string& out) {
    static const char* kSpaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    out += kSpaces[pick(7)];
  }

  void value(std::string& out, int depth) {
    space(out);
    const size_t kind = depth >= 5 ? pick(5) : pick(7);
    switch (kind) {
      case 0: out += pick(3) == 0 ? "null" : pick(2) ? "true" : "false"; break;
      case 1: number(out); break;
      case 2: number(out); break;
      case 3:
      case 4: string(out); break;
      case 5: {
        out += '[';
        const size_t n = pick(5);
        for (size_t i = 0; i < n; ++i) {
          if (i) out += ',';
          value(out, depth + 1);
        }
        space(out);
        out += ']';
        break;
      }
      default: {
        out += '{';
        const size_t n = pick(5);
        for (size_t i = 0; i < n; ++i) {
          if (i) out += ',';
          space(out);
          // Few distinct keys, so that repeats are common.
          if (pick(2)) {
            out += "\"k" + std::to_string(pick(4)) + "\"";
          } else {
            string(out);
          }
          space(out);
          out += ':';
          value(out, depth + 1);
        }
        space(out);
        out += '}';
      }
    }
    space(out);
  }

  void number(std::string& out) {
    static const char* kEdge[] = {"0", "-0", "-0.0", "0.0", "1", "-1", "9223372036854775807", "9223372036854775808",
                                  "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                                  "18446744073709551616", "-18446744073709551616", "1e400", "-1e400", "1e-400",
                                  "-1e-400", "4.9406564584124654e-324", "2.2250738585072014e-308",
                                  "1.7976931348623157e308", "1.7976931348623159e308", "0.1", "1E+2", "1e-2",
                                  "123456789012345678901234567890", "0.30000000000000004", "1e23", "8.5e-7",
                                  "2.5e-05", "100000000000000000000000e-20", "0.000000000000000000000000001e27"};
    switch (pick(4)) {
      case 0: out += kEdge[pick(sizeof kEdge / sizeof *kEdge)]; return;
      case 1: out += std::to_string(static_cast<int64_t>(rng_())); return;
      case 2: out += std::to_string(rng_() % 100000); return;
      default: {
        double d;
        uint64_t b = (static_cast<uint64_t>(rng_()) << 32) | rng_();
        std::memcpy(&d, &b, sizeof d);
        if (!std::isfinite(d)) d = 1.5;
        char buf[64];
        std::snprintf(buf, sizeof buf, pick(2) ? "%.17g" : "%.6e", d);
        out += buf;
      }
    }
  }

  void string(std::string& out) {
    static const char* kPieces[] = {"a", "Z", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
                                    "\\u0041", "\\u00e9", "\\u20AC", "\\u0000", "\\ud83d\\ude00", "\\uD834\\uDD1E",
                                    "\xC3\xA9", "\xE2\x96\x81", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF", "#", "{", "]"};
    static const char* kRare[] = {"\\ud83d", "\\ude00", "\\ud83d\\u0041", "\\x", "\\u12G4", "\x01", "\xFF",
                                  "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x7F"};
    out += '"';
    const size_t n = pick(8);
    for (size_t i = 0; i < n; ++i) {
      out += pick(40) == 0 ? kRare[pick(sizeof kRare / sizeof *kRare)] : kPieces[pick(sizeof kPieces / sizeof *kPieces)];
    }
    out += '"';
  }

  std::mt19937 rng_;
};

TEST(JsonDifferential, GeneratedAndMutatedDocumentsParseAlike) {
  Generator gen(20261130);
  size_t accepted = 0, rejected = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text = gen.document();
    if (i % 2) text = gen.mutate(text);
    const std::string d = compare(text);
    EXPECT_EQ(d, "") << "document " << i << ": " << text;
    try {
      parse_json(text, "doc");
      ++accepted;
    } catch (const Error&) {
      ++rejected;
    }
  }
  // Both outcomes are exercised in quantity.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(rejected, 1000u);
}

TEST(JsonDifferential, DeliberateDifferences) {
  // Depth: up to kMaxJsonDepth both accept; beyond, only nlohmann does (it has no limit; ours is a defence).
  const auto nested = [](size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_EQ(compare(nested(kMaxJsonDepth)), "");
  EXPECT_NO_THROW(json::parse(nested(kMaxJsonDepth + 1)));
  EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1), "doc"), Error);
  // A byte order mark: nlohmann skips it, we reject it as the upstream readers do.
  EXPECT_NO_THROW(json::parse("\xEF\xBB\xBF{}"));
  EXPECT_THROW(parse_json("\xEF\xBB\xBF{}", "doc"), Error);
}

}  // namespace
}  // namespace ce
