// ce::Json and parse_json on their own: number classes, strings and escapes, errors that say what and where, the
// depth limit, duplicate keys, accessors and dump().
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "io/json.h"
#include "test_support.h"

namespace ce {
namespace {

Json parse(std::string_view text, JsonParseOptions options = {}) { return parse_json(text, "t.json", options); }

// The message of the parse error `text` raises, after checking its code.
std::string parse_error(std::string_view text, JsonParseOptions options = {.code = ErrorCode::InvalidConfig}) {
  try {
    parse_json(text, "t.json", options);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), options.code);
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

uint64_t bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TEST(Json, NumbersAreClassifiedAsNlohmannDoes) {
  EXPECT_EQ(parse("0").type(), Json::Type::Unsigned);
  EXPECT_EQ(parse("18446744073709551615").get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse("-1").type(), Json::Type::Integer);
  EXPECT_EQ(parse("-9223372036854775808").get<int64_t>(), std::numeric_limits<int64_t>::min());
  // -0 is the integer 0; past 64 bits a number is a float.
  EXPECT_EQ(parse("-0").type(), Json::Type::Integer);
  EXPECT_EQ(parse("18446744073709551616").type(), Json::Type::Float);
  EXPECT_EQ(parse("18446744073709551616").get<double>(), 18446744073709551616.0);
  EXPECT_EQ(parse("-9223372036854775809").type(), Json::Type::Float);
  EXPECT_EQ(parse("1.0").type(), Json::Type::Float);
  EXPECT_EQ(parse("1e2").type(), Json::Type::Float);
  EXPECT_TRUE(parse("1e2").is_number() && !parse("1e2").is_number_integer());
  // Correctly rounded (from_chars): the nearest double, bitwise.
  EXPECT_EQ(bits(parse("0.1").get<double>()), bits(0.1));
  EXPECT_EQ(bits(parse("1e-12").get<double>()), bits(1e-12));
  EXPECT_EQ(bits(parse("2.2250738585072011e-308").get<double>()), bits(2.2250738585072011e-308));
  EXPECT_EQ(bits(parse("-0.0").get<double>()), bits(-0.0));
  // Underflow reads as (signed) zero, as strtod gives; overflow is an error, as in nlohmann.
  EXPECT_EQ(bits(parse("1e-400").get<double>()), bits(0.0));
  EXPECT_EQ(bits(parse("-1e-400").get<double>()), bits(-0.0));
  EXPECT_NE(parse_error("1e400").find("beyond the range of a double"), std::string::npos);
  EXPECT_NE(parse_error("[-1e400]").find("beyond the range of a double"), std::string::npos);
  // get<float> is the float of the stored number.
  EXPECT_EQ(parse("0.1").get<float>(), static_cast<float>(0.1));
  EXPECT_EQ(parse("16777217").get<float>(), static_cast<float>(16777217ull));
}

TEST(Json, IntegerAccessIsCheckedAgainstTheType) {
  EXPECT_EQ(parse("-5").get_integer<int32_t>(), -5);
  EXPECT_EQ(parse("-5").get_integer<uint32_t>(), std::nullopt);
  EXPECT_EQ(parse("4294967296").get_integer<uint32_t>(), std::nullopt);
  EXPECT_EQ(parse("18446744073709551615").get_integer<int64_t>(), std::nullopt);
  EXPECT_EQ(parse("1.0").get_integer<int64_t>(), std::nullopt);
  EXPECT_THROW(parse("18446744073709551615").get<int64_t>(), JsonAccessError);
  EXPECT_THROW(parse("\"1\"").get<int>(), JsonAccessError);
  EXPECT_THROW(parse("1").get<std::string>(), JsonAccessError);
  EXPECT_THROW(parse("1").get<bool>(), JsonAccessError);
  EXPECT_EQ(parse("7").get<double>(), 7.0);
}

TEST(Json, StringsDecodeEveryEscapeAndCheckUtf8) {
  EXPECT_EQ(parse(R"("\"\\\/\b\f\n\r\t")").get<std::string>(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parse(R"("\u0041\u00e9\u20AC")").get<std::string>(), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parse(R"("\ud83d\ude00")").get<std::string>(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(parse(R"("a\u0000b")").get<std::string>(), std::string("a\0b", 3));
  EXPECT_EQ(parse("\"\xF0\x9F\x98\x80 \xE2\x96\x81\"").get<std::string>(), "\xF0\x9F\x98\x80 \xE2\x96\x81");
  for (const char* bad : {R"("\ud83d")", R"("\ud83dx")", R"("\ude00")", R"("\ud83d\u0041")", R"("\x")", R"("\u12")",
                          "\"a\x01\"", "\"a\nb\"", "\"\xFF\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"",
                          "\"\xE2\x82\"", "\"abc"}) {
    EXPECT_NE(parse_error(bad).find("not valid JSON"), std::string::npos) << bad;
  }
  EXPECT_NE(parse_error(R"("\ude00")").find("low surrogate"), std::string::npos);
  EXPECT_NE(parse_error("\"\xFF\"").find("not UTF-8 (byte 0xff)"), std::string::npos);
  EXPECT_NE(parse_error("\"a\x01\"").find("control character"), std::string::npos);
}

TEST(Json, RejectsWhatRfc8259Rejects) {
  for (const char* bad : {"", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "1e", "+1",
                          "-", "NaN", "Infinity", "-Infinity", "nul", "tru", "[1] x", "[1]]", "// c\n1", "/* c */1",
                          "'a'", "\xEF\xBB\xBF{}", "{\"a\":1}}", "[", "{", "{\"a\"", "{\"a\":"}) {
    parse_error(bad);
  }
  EXPECT_NO_THROW(parse(" \t\r\n[ 1 , { \"a\" : null } ] \n"));
}

TEST(Json, ErrorsSayWhatAndWhere) {
  const std::string m = parse_error("{\n  \"model\": {\"vocab\": [1, 2,, 3]}\n}");
  EXPECT_EQ(m.rfind("t.json: not valid JSON: expected a value, got ','", 0), 0u) << m;
  EXPECT_NE(m.find("byte 29, line 2, column 28"), std::string::npos) << m;
  EXPECT_NE(m.find("inside 'model' > 'vocab' > [2]"), std::string::npos) << m;
  EXPECT_NE(parse_error("[1] x").find("expected nothing but whitespace after the value, got 'x'"), std::string::npos);
  EXPECT_NE(parse_error("{\"a\" 1}").find("expected ':' after the key 'a', got '1'"), std::string::npos);
  EXPECT_NE(parse_error("").find("expected a value, got the end of the text"), std::string::npos);
}

TEST(Json, DepthIsBoundedWhileParsing) {
  const auto nested = [](size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_NO_THROW(parse(nested(kMaxJsonDepth)));
  const std::string m = parse_error(nested(kMaxJsonDepth + 1));
  EXPECT_NE(m.find("nests deeper than 128 levels"), std::string::npos) << m;
  EXPECT_EQ(m.find("not valid JSON"), std::string::npos) << m;
  EXPECT_NE(m.find("(128 levels)"), std::string::npos) << m;
  // A million levels: an error, not an exhausted stack.
  EXPECT_NE(parse_error(std::string(1000000, '[')).find("nests deeper"), std::string::npos);
  EXPECT_NE(parse_error("{\"a\":" + nested(3) + "}", {.code = ErrorCode::InvalidTokenizer, .max_depth = 3})
                .find("inside 'a' > [0] > [0]"),
            std::string::npos);
}

TEST(Json, RepeatedKeysKeepTheLastOrAreRejected) {
  const Json j = parse(R"({"b": 1, "a": 2, "b": 3, "c": {"x": 1, "x": [2]}})");
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j["b"].get<int>(), 3);
  EXPECT_TRUE(j["c"]["x"].is_array());
  std::string keys;
  for (const auto& [key, value] : j.items()) keys += key;
  EXPECT_EQ(keys, "abc");  // key order, as nlohmann's std::map
  const std::string m = parse_error(R"({"w": 1, "v": {}, "w": 2})",
                                    {.code = ErrorCode::InvalidSafetensors, .reject_duplicate_keys = true});
  EXPECT_NE(m.find("names 'w' more than once"), std::string::npos) << m;
  EXPECT_NE(parse_error(R"({"t": {"dtype": "F32", "dtype": "F16"}})",
                        {.code = ErrorCode::InvalidSafetensors, .reject_duplicate_keys = true})
                .find("names 'dtype' more than once (at byte 6, line 1, column 7), inside 't'"),
            std::string::npos);
  EXPECT_NO_THROW(parse(R"({"a": 1, "b": 2})", {.reject_duplicate_keys = true}));
}

TEST(Json, AccessorsFollowNlohmannsNames) {
  const Json j = parse(R"({"s": "x", "n": null, "a": [1, 2.5, true], "o": {"k": "v"}})");
  EXPECT_TRUE(j.is_object() && j.contains("s") && !j.contains("z"));
  EXPECT_EQ(j.find("z"), j.end());
  EXPECT_EQ(j.find("s")->get_ref<const std::string&>(), "x");
  EXPECT_EQ(j.find("s").key(), "s");
  EXPECT_TRUE(j["n"].is_null() && j["n"].empty() && j["n"].size() == 0);
  EXPECT_EQ(j["a"].size(), 3u);
  EXPECT_EQ(j["a"].front().get<int>(), 1);
  EXPECT_TRUE(j["a"].back().get<bool>());
  EXPECT_EQ(j["a"][1].get<double>(), 2.5);
  EXPECT_EQ(j.value("o", Json())["k"], "v");
  EXPECT_TRUE(j.value("missing", Json()).is_null());
  EXPECT_EQ(j.value("missing", Json(5)), Json(5));
  EXPECT_EQ(j["s"].type_name(), std::string("string"));
  EXPECT_EQ(j["a"][1].type_name(), std::string("number"));
  EXPECT_THROW(j.at("z"), JsonAccessError);
  EXPECT_THROW(j["a"].at(3), JsonAccessError);
  EXPECT_THROW(j["s"]["k"], JsonAccessError);
  EXPECT_EQ(Json(1), Json(1u));
  EXPECT_EQ(Json(1), Json(1.0));
  EXPECT_NE(Json(-1), Json(18446744073709551615ull));
  EXPECT_NE(Json("1"), Json(1));
  size_t n = 0;
  for (auto it = j.begin(); it != j.end(); ++it) n += it.key().size();
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(Json(5).size(), 1u);
}

TEST(Json, DumpIsCompactAndReadsBack) {
  const std::string text = R"({"a":[1,-2,0.5,1e-05,1e+16,1e+15,100000000000000.0,true,null],"b":"q\"\\\n\u0001é"})";
  const Json j = parse(text);
  EXPECT_EQ(j.dump(), text);
  EXPECT_EQ(parse(j.dump()), j);
  EXPECT_EQ(Json(2.0).dump(), "2.0");
  EXPECT_EQ(Json(-0.0).dump(), "-0.0");
  EXPECT_EQ(Json(0.0001).dump(), "0.0001");
  EXPECT_EQ(Json(1e-7).dump(), "1e-07");
  EXPECT_EQ(Json(std::string("\xFF")).dump(), "\"\xEF\xBF\xBD\"");
  const Json built = Json::object({{"z", Json::array({Json(1), Json("x")})}, {"a", nullptr}, {"z", true}});
  EXPECT_EQ(built.dump(), R"({"a":null,"z":true})");
}

}  // namespace
}  // namespace ce
