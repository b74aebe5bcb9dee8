// NFC / NFD / NFKC / NFKD against HF tokenizers over every Unicode scalar value and a set of reordering /
// composition sequences (test/fixtures/tokenizer/nfx_cases.txt, by tools/unicode/make_normalization_cases.py),
// and the normalizer entries of tokenizer.json.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.h"
#include "tokenizer/nfx_normalizer.h"
#include "tokenizer/normalizer_json.h"

namespace {

using ce::NormalizationForm;

std::u32string parse_hexes(const std::string& field) {
  std::u32string out;
  if (field == "-") return out;
  std::istringstream ss(field);
  for (std::string part; std::getline(ss, part, '.');) {
    out.push_back(static_cast<char32_t>(std::stoul(part, nullptr, 16)));
  }
  return out;
}

std::string show(const std::u32string& s) {
  std::ostringstream ss;
  for (char32_t c : s) ss << std::hex << std::uppercase << static_cast<uint32_t>(c) << ' ';
  return ss.str();
}

constexpr NormalizationForm kForms[] = {NormalizationForm::NFC, NormalizationForm::NFD, NormalizationForm::NFKC,
                                        NormalizationForm::NFKD};
constexpr const char* kNames[] = {"NFC", "NFD", "NFKC", "NFKD"};

TEST(NfxNormalizer, EveryCodePointAndSequenceMatchesTokenizers) {
  std::ifstream in(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/nfx_cases.txt");
  ASSERT_TRUE(in);
  std::map<std::u32string, std::array<std::u32string, 4>> expected;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::string fields[5];
    for (auto& f : fields) ss >> f;
    expected[parse_hexes(fields[0])] = {parse_hexes(fields[1]), parse_hexes(fields[2]), parse_hexes(fields[3]),
                                        parse_hexes(fields[4])};
  }
  ASSERT_GT(expected.size(), 10000u);
  size_t checked = 0, failed = 0;
  std::u32string out;
  auto check = [&](const std::u32string& input, int form, const std::u32string& want) {
    ++checked;
    ce::unicode_normalize(input, kForms[form], out);
    if (out != want && ++failed <= 20) {
      ADD_FAILURE() << kNames[form] << "(" << show(input) << ") = " << show(out) << ", want " << show(want);
    }
  };
  for (char32_t c = 0; c < 0x110000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::u32string input(1, c);
    auto it = expected.find(input);
    for (int f = 0; f < 4; ++f) check(input, f, it == expected.end() ? input : it->second[f]);
  }
  for (const auto& [input, forms] : expected) {
    if (input.size() < 2) continue;
    for (int f = 0; f < 4; ++f) check(input, f, forms[f]);
  }
  std::printf("%zu normalizations checked, %zu mismatches\n", checked, failed);
  EXPECT_EQ(failed, 0u);
}

TEST(NfxNormalizer, LongRunsOfMarksAreSortedInLinearithmicTime) {
  // 200k marks alternating U+0301 (class 230) and U+0316 (class 220): one run for canonical ordering.
  std::u32string text = U"a";
  for (int i = 0; i < 100000; ++i) text += U"\u0301\u0316";
  const auto t0 = std::chrono::steady_clock::now();
  std::u32string out;
  ce::unicode_normalize(text, NormalizationForm::NFD, out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(out.size(), text.size());
  EXPECT_EQ(out.substr(0, 3), U"a\u0316\u0316");
  EXPECT_EQ(out.substr(out.size() - 2), U"\u0301\u0301");
  EXPECT_LT(seconds, 2.0);
  // NFC: the first U+0301 is not blocked from the a (the marks between have a lower class): a + U+0301 = á.
  ce::unicode_normalize(text, NormalizationForm::NFC, out);
  EXPECT_EQ(out.substr(0, 2), U"\u00E1\u0316");
  EXPECT_EQ(out.size(), text.size() - 1);
}

TEST(NfxNormalizer, ReadFromTokenizerJson) {
  auto read = [](const std::string& normalizer) {
    return ce::read_normalizer(ce::parse_tokenizer_json(R"({"normalizer": )" + normalizer + "}", "tokenizer.json"));
  };
  EXPECT_EQ(read("null"), nullptr);
  std::u32string text = U"e\u0301\uFB01", scratch;
  read(R"({"type": "NFC"})")->normalize(text, scratch);
  EXPECT_EQ(text, U"\u00E9\uFB01");
  read(R"({"type": "NFKD"})")->normalize(text, scratch);
  EXPECT_EQ(text, U"e\u0301fi");
  ce::test::expect_error([&] { read(R"({"type": "Wobble"})"); }, ce::ErrorCode::UnsupportedTokenizer,
                         {"normalizer", "'Wobble'"});
  ce::test::expect_error([&] { read(R"({"kind": "NFC"})"); }, ce::ErrorCode::InvalidTokenizer, {"\"type\""});
}

}  // namespace
