// Unit tests of the SentencePiece-family pipeline parts: Precompiled charsmap (nmt_nfkc from the xlmr fixture, and
// malformed blobs), the simple normalizers, Metaspace / Whitespace / WhitespaceSplit / Sequence pre-tokenizers,
// the Unigram model (Viterbi, unknowns, byte fallback, vocab validation) and added-token matching options.
// Expected values were taken from tokenizers 0.23.3 (Python) on the same inputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_gzip.h"
#include "test_support.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/base64.h"
#include "tokenizer/lowercase_normalizer.h"
#include "tokenizer/metaspace_pre_tokenizer.h"
#include "tokenizer/precompiled_normalizer.h"
#include "tokenizer/prepend_normalizer.h"
#include "tokenizer/replace_normalizer.h"
#include "tokenizer/segmentation.h"
#include "tokenizer/sequence_pre_tokenizer.h"
#include "tokenizer/strip_accents_normalizer.h"
#include "tokenizer/strip_normalizer.h"
#include "tokenizer/unigram.h"
#include "tokenizer/utf8.h"
#include "tokenizer/whitespace_pre_tokenizer.h"

namespace {

using ce::ErrorCode;
using ce::test::expect_error;

std::u32string u32(const std::string& s) {
  std::u32string out;
  ce::utf8::decode(s, out);
  return out;
}
std::string u8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) ce::utf8::append(c, out);
  return out;
}
std::string normalized(const ce::Normalizer& n, const std::string& text) {
  std::u32string t = u32(text), scratch;
  n.normalize(t, scratch);
  return u8(t);
}
std::vector<std::string> words_of(const ce::PreTokenizer& p, const std::string& text, bool at_start = true) {
  ce::PreTokenizedWords words;
  p.pre_tokenize_piece(u32(text), at_start, words);
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) out.emplace_back(words[i]);
  return out;
}

// The nmt_nfkc charsmap of the xlmr fixture, decoded once.
const std::string& nmt_nfkc_charsmap() {
  static const std::string blob = [] {
    const auto doc = nlohmann::json::parse(
        ce::test::read_gzip(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/xlmr/tokenizer.json.gz"));
    return *ce::base64_decode(doc["normalizer"]["precompiled_charsmap"].get<std::string>());
  }();
  return blob;
}

TEST(Precompiled, NmtNfkcAsTokenizers) {
  const ce::PrecompiledNormalizer n(nmt_nfkc_charsmap(), "test");
  EXPECT_EQ(normalized(n, "ｆｕｌｌ ＡＢＣ"), "full ABC");
  EXPECT_EQ(normalized(n, "① ﬁ"), "1 fi");
  EXPECT_EQ(normalized(n, "e\u0301"), "\u00e9");    // the whole grapheme is a key
  EXPECT_EQ(normalized(n, "ﬁ\u0301x"), "fix");      // shortest key of a < 6-byte grapheme replaces all of it
  EXPECT_EQ(normalized(n, "a\tb\nc"), "a b c");
  EXPECT_EQ(normalized(n, "x\u200by"), "x y");
  EXPECT_EQ(normalized(n, "\u00a0nb"), " nb");
  EXPECT_EQ(normalized(n, "\uff8a\uff9f"), "\u30cf\u309a");
  EXPECT_EQ(normalized(n, std::string("\0z", 2)), std::string("\0z", 2));
  EXPECT_EQ(normalized(n, "👍🏽 plain"), "👍🏽 plain");
}

TEST(Precompiled, MalformedBlobsAreTypedErrors) {
  auto make = [](const std::string& blob) { ce::PrecompiledNormalizer n(blob, "tok.json"); };
  expect_error([&] { make(""); }, ErrorCode::InvalidTokenizer, {"tok.json", "precompiled_charsmap", "header"});
  expect_error([&] { make(std::string("\x05\0\0\0abcde", 9)); }, ErrorCode::InvalidTokenizer, {"multiple of 4"});
  expect_error([&] { make(std::string("\x40\0\0\0abcd", 8)); }, ErrorCode::InvalidTokenizer, {"fits"});
  expect_error([&] { make(std::string("\x04\0\0\0\0\0\0\0\xff\xfe", 10)); }, ErrorCode::InvalidTokenizer, {"UTF-8"});
  // A root whose offset points outside the trie: the lookup fails typed, not out of bounds.
  const std::string bad_offset = std::string("\x04\0\0\0", 4) + std::string("\0\xfc\xff\x7f", 4) + "x";
  const ce::PrecompiledNormalizer n(bad_offset, "tok.json");
  expect_error([&] { normalized(n, "a"); }, ErrorCode::InvalidTokenizer, {"outside"});
  // Every truncation of the real blob either loads or is refused with a typed error.
  const std::string& real = nmt_nfkc_charsmap();
  for (size_t cut : {size_t{3}, size_t{4}, size_t{5}, real.size() / 2, real.size() - 1}) {
    try {
      const ce::PrecompiledNormalizer t(real.substr(0, cut), "cut");
      normalized(t, "ｆｕｌｌ e\u0301 ①");
    } catch (const ce::Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidTokenizer) << e.what();
    }
  }
}

TEST(Base64, StrictDecoding) {
  EXPECT_EQ(*ce::base64_decode("aGk="), "hi");
  EXPECT_EQ(*ce::base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(*ce::base64_decode(""), "");
  EXPECT_FALSE(ce::base64_decode("aGk"));
  EXPECT_FALSE(ce::base64_decode("a=Gk"));
  EXPECT_FALSE(ce::base64_decode("aG!="));
}

TEST(SimpleNormalizers, AsTokenizers) {
  EXPECT_EQ(normalized(ce::LowercaseNormalizer(), "ÀB İ ΣΑΣ"), "àb i̇ σασ");
  EXPECT_EQ(normalized(ce::StripNormalizer(true, true), " \u3000 a b \t"), "a b");
  EXPECT_EQ(normalized(ce::StripNormalizer(false, true), "  a  "), "  a");
  EXPECT_EQ(normalized(ce::StripNormalizer(true, false), "  a  "), "a  ");
  EXPECT_EQ(normalized(ce::StripAccentsNormalizer(), "e\u0301a\u0308 é"), "ea é");  // marks only, no NFD
  EXPECT_EQ(normalized(ce::ReplaceNormalizer(u32("``"), u32("\"")), "``a`` ```"), "\"a\" \"`");
  EXPECT_EQ(normalized(ce::ReplaceNormalizer(u32("aa"), u32("b")), "aaa"), "ba");
  EXPECT_EQ(normalized(ce::PrependNormalizer(u32("▁")), "x"), "▁x");
  EXPECT_EQ(normalized(ce::PrependNormalizer(u32("▁")), ""), "");
  // DeBERTa-v2's \s{2,}|[\n\r\t] -> " ".
  const ce::CollapseWhitespaceNormalizer collapse;
  EXPECT_EQ(normalized(collapse, "a  b\tc\nd \u3000e\u00a0f \r\n g"), "a b c d e\u00a0f g");
  // transformers 4's XLM-R files: " {2,}" -> " " (only U+0020 runs).
  EXPECT_EQ(normalized(ce::SpaceRunsNormalizer(U" "), "a  b   c d\t\tx \u3000 y"), "a b c d\t\tx \u3000 y");
}

TEST(Segmentation, GraphemeClusters) {
  auto clusters = [](const std::string& s) {
    std::u32string t = u32(s);
    std::vector<std::string> out;
    for (size_t b = 0; b < t.size();) {
      const size_t e = ce::segmentation::grapheme_end(t, b);
      out.push_back(u8(t.substr(b, e - b)));
      b = e;
    }
    return out;
  };
  EXPECT_EQ(clusters("e\u0301x"), (std::vector<std::string>{"e\u0301", "x"}));
  EXPECT_EQ(clusters("\r\n\n"), (std::vector<std::string>{"\r\n", "\n"}));
  EXPECT_EQ(clusters("\u1100\u1161\u11a8\u1100"), (std::vector<std::string>{"\u1100\u1161\u11a8", "\u1100"}));
  EXPECT_EQ(clusters("👨‍👩‍👧 🇩🇪🇫🇷"), (std::vector<std::string>{"👨‍👩‍👧", " ", "🇩🇪", "🇫🇷"}));
  EXPECT_EQ(clusters("क्षि"), (std::vector<std::string>{"क्षि"}));  // GB9c: consonant + virama + consonant
  EXPECT_TRUE(ce::segmentation::is_word_character(U'_'));
  EXPECT_TRUE(ce::segmentation::is_word_character(U'\u0301'));
  EXPECT_FALSE(ce::segmentation::is_word_character(U'-'));
}

TEST(PreTokenizers, Metaspace) {
  const ce::MetaspacePreTokenizer first(U'▁', ce::PrependScheme::First, true);
  EXPECT_EQ(words_of(first, "a  b "), (std::vector<std::string>{"▁a", "▁", "▁b", "▁"}));
  EXPECT_EQ(words_of(first, "a b", false), (std::vector<std::string>{"a", "▁b"}));
  const ce::MetaspacePreTokenizer always(U'▁', ce::PrependScheme::Always, true);
  EXPECT_EQ(words_of(always, "a b", false), (std::vector<std::string>{"▁a", "▁b"}));
  EXPECT_EQ(words_of(always, "▁x"), (std::vector<std::string>{"▁x"}));
  EXPECT_EQ(words_of(always, ""), (std::vector<std::string>{}));
  const ce::MetaspacePreTokenizer never_whole(U'▁', ce::PrependScheme::Never, false);
  EXPECT_EQ(words_of(never_whole, "a b"), (std::vector<std::string>{"a▁b"}));
}

TEST(PreTokenizers, WhitespaceAndSequence) {
  EXPECT_EQ(words_of(ce::WhitespacePreTokenizer(), "Hello, wörld!! x_y 42"),
            (std::vector<std::string>{"Hello", ",", "wörld", "!!", "x_y", "42"}));
  EXPECT_EQ(words_of(ce::WhitespaceSplitPreTokenizer(), " a\u3000b,c  "), (std::vector<std::string>{"a", "b,c"}));
  // XLMRobertaTokenizer's: WhitespaceSplit then Metaspace (always): runs of spaces vanish.
  std::vector<std::unique_ptr<const ce::PreTokenizer>> steps;
  steps.push_back(std::make_unique<const ce::WhitespaceSplitPreTokenizer>());
  steps.push_back(std::make_unique<const ce::MetaspacePreTokenizer>(U'▁', ce::PrependScheme::Always, true));
  const ce::SequencePreTokenizer xlmr(std::move(steps));
  EXPECT_EQ(words_of(xlmr, "  a   b "), (std::vector<std::string>{"▁a", "▁b"}));
  // prepend_scheme first after WhitespaceSplit: only a word at offset 0 of the text gets "▁".
  std::vector<std::unique_ptr<const ce::PreTokenizer>> steps2;
  steps2.push_back(std::make_unique<const ce::WhitespaceSplitPreTokenizer>());
  steps2.push_back(std::make_unique<const ce::MetaspacePreTokenizer>(U'▁', ce::PrependScheme::First, true));
  const ce::SequencePreTokenizer firsts(std::move(steps2));
  EXPECT_EQ(words_of(firsts, "a b"), (std::vector<std::string>{"▁a", "b"}));
  EXPECT_EQ(words_of(firsts, " a b"), (std::vector<std::string>{"a", "b"}));
}

std::vector<std::pair<std::string, double>> toy_vocab() {
  return {{"<unk>", 0.0}, {"▁", -2.0}, {"a", -3.0}, {"b", -3.0}, {"ab", -4.0}, {"▁ab", -4.5}, {"abc", -20.0},
          {"c", -3.5}, {"<0x41>", -1.0}, {"<0xE2>", -1.0}, {"<0x82>", -1.0}, {"<0xAC>", -1.0}};
}
std::vector<int32_t> encode(const ce::Unigram& u, const std::string& word) {
  std::vector<int32_t> ids;
  u.encode_word(word, ids);
  return ids;
}

TEST(Unigram, ViterbiUnknownsAndByteFallback) {
  ce::UnigramOptions o;
  o.unk_id = 0;
  const ce::Unigram u(toy_vocab(), o, "toy");
  EXPECT_EQ(encode(u, "▁ab"), (std::vector<int32_t>{5}));          // -4.5 beats ▁ + ab (-6)
  EXPECT_EQ(encode(u, "abc"), (std::vector<int32_t>{4, 7}));       // ab + c (-7.5) beats abc (-20)
  EXPECT_EQ(encode(u, "aXYb"), (std::vector<int32_t>{2, 0, 3}));   // unknown X Y fused into one unk
  EXPECT_EQ(encode(u, "€"), (std::vector<int32_t>{0}));
  ce::UnigramOptions fallback = o;
  fallback.byte_fallback = true;
  const ce::Unigram b(toy_vocab(), fallback, "toy");
  EXPECT_EQ(encode(b, "€a"), (std::vector<int32_t>{9, 10, 11, 2}));  // € = E2 82 AC
  EXPECT_EQ(encode(b, "Zé"), (std::vector<int32_t>{0}));             // a byte piece is missing: unk
  EXPECT_EQ(u.token_to_id("ab"), 4);
  EXPECT_EQ(u.token_to_id("zz"), -1);
  ce::UnigramOptions no_unk;
  const ce::Unigram n(toy_vocab(), no_unk, "toy");
  expect_error([&] { encode(n, "aZ"); }, ErrorCode::InvalidArgument, {"\"Z\"", "unk_id"});
}

TEST(Unigram, InvalidVocabsAreTypedErrors) {
  ce::UnigramOptions o;
  o.unk_id = 0;
  auto make = [&](std::vector<std::pair<std::string, double>> v, ce::UnigramOptions opt) {
    ce::Unigram u(std::move(v), opt, "tok.json");
  };
  expect_error([&] { make({}, o); }, ErrorCode::InvalidTokenizer, {"tok.json", "empty"});
  expect_error([&] { make({{"a", 0}, {"a", -1}}, o); }, ErrorCode::InvalidTokenizer, {"\"a\" twice", "0", "1"});
  expect_error([&] { make({{"a", 0}, {"", -1}}, o); }, ErrorCode::InvalidTokenizer, {"vocab[1]", "empty piece"});
  expect_error([&] { make({{"a", 0}, {"b", NAN}}, o); }, ErrorCode::InvalidTokenizer, {"vocab[1]", "not finite"});
  expect_error([&] { make({{"a", 0}, {"b", INFINITY}}, o); }, ErrorCode::InvalidTokenizer, {"not finite"});
  ce::UnigramOptions far = o;
  far.unk_id = 5;
  expect_error([&] { make({{"a", 0}}, far); }, ErrorCode::InvalidTokenizer, {"unk_id 5", "outside"});
}

std::vector<ce::AddedTokenSplit> split(const ce::AddedTokens& t, const std::string& text) {
  std::vector<ce::AddedTokenSplit> out;
  t.split(text, out);
  return out;
}
std::string show(const std::vector<ce::AddedTokenSplit>& splits, const std::string& text) {
  std::string out;
  for (const auto& s : splits) out += (s.id >= 0 ? "<" + std::to_string(s.id) + ":" : "[") +
                                      text.substr(s.begin, s.end - s.begin) + (s.id >= 0 ? ">" : "]");
  return out;
}

TEST(AddedTokens, MatchingOptions) {
  ce::AddedToken mask{"<mask>", 9, false, true, false, false};   // lstrip
  ce::AddedToken ent{"<ent>", 8, true, false, false, false};     // single_word
  ce::AddedToken e1{"[E1]", 7, false, true, true, false};        // lstrip + rstrip
  ce::AddedToken longer{"<mask>>", 6, false, false, false, false};
  const ce::AddedTokens tokens({mask, ent, e1, longer});
  std::string t = "hello  <mask> world";
  EXPECT_EQ(show(split(tokens, t), t), "[hello]<9:  <mask>>[ world]");
  t = "a<ent>b <ent> x<ent> <ent>";
  EXPECT_EQ(show(split(tokens, t), t), "[a<ent>b ]<8:<ent>>[ x<ent> ]<8:<ent>>");
  t = "x  [E1]  y";
  EXPECT_EQ(show(split(tokens, t), t), "[x]<7:  [E1]  >[y]");
  t = "<mask>> <mask>";
  EXPECT_EQ(show(split(tokens, t), t), "<6:<mask>>><9: <mask>>");
  t = "";
  EXPECT_TRUE(split(tokens, t).empty());
}

}  // namespace
