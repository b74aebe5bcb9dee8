// Unit tests of each tokenizer stage (UTF-8, normalizer, pre-tokenizer, WordPiece, truncation, pair
// template) with small hand-checked examples; HF equality at scale is tokenizer_cases_test.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/error.h"
#include "tokenizer/bert_normalizer.h"
#include "tokenizer/template_processing.h"
#include "tokenizer/bert_pre_tokenizer.h"
#include "tokenizer/bert_tokenizer.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/tokenizer_files.h"
#include "tokenizer/truncation.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"
#include "tokenizer/wordpiece.h"

namespace {

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) ce::utf8::append(c, out);
  return out;
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  ce::utf8::decode(s, out);
  return out;
}

std::string normalize(std::string_view text, ce::NormalizerFlags flags) {
  std::u32string t = decode_utf8(text), scratch;
  ce::BertNormalizer(flags).normalize(t, scratch);
  return encode_utf8(t);
}

ce::NormalizerFlags only(bool clean, bool chinese, bool strip, bool lower) { return {clean, chinese, strip, lower}; }

TEST(Utf8, RoundTripsAllScalarValues) {
  std::u32string all;
  for (char32_t c = 0; c < 0x110000; ++c) {
    if (c < 0xD800 || c > 0xDFFF) all.push_back(c);
  }
  EXPECT_EQ(decode_utf8(encode_utf8(all)), all);
}

TEST(Utf8, InvalidBytesBecomeOneReplacementPerMaximalSubpart) {
  EXPECT_EQ(decode_utf8("a\xFF" "b"), U"a\uFFFDb");
  EXPECT_EQ(decode_utf8("\xE2\x82(x"), U"\uFFFD(x");           // truncated 3-byte sequence: one U+FFFD
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");  // surrogate: each byte invalid
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");           // overlong
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");  // above U+10FFFF
  EXPECT_EQ(decode_utf8("caf\xC3"), U"caf\uFFFD");               // cut at the end
}

TEST(Utf8, NeverCrashesOnRandomBytes) {
  uint32_t state = 12345;
  std::string bytes;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1664525u + 1013904223u;
    bytes.push_back(static_cast<char>(state >> 24));
  }
  const std::u32string cps = decode_utf8(bytes);
  for (char32_t c : cps) ASSERT_TRUE(c < 0x110000 && (c < 0xD800 || c > 0xDFFF));
}

TEST(Unicode, Properties) {
  EXPECT_TRUE(ce::unicode::is_whitespace(U'\u3000'));
  EXPECT_FALSE(ce::unicode::is_whitespace(U'\u200B'));  // ZWSP is Cf, not White_Space
  EXPECT_TRUE(ce::unicode::is_removed_by_clean_text(U'\u200B'));
  EXPECT_TRUE(ce::unicode::is_removed_by_clean_text(U'\uE000'));  // private use
  EXPECT_FALSE(ce::unicode::is_removed_by_clean_text(U'\t'));
  EXPECT_TRUE(ce::unicode::is_punctuation(U'$'));  // ASCII punctuation although Sc
  EXPECT_TRUE(ce::unicode::is_punctuation(U'\u00BF'));
  EXPECT_FALSE(ce::unicode::is_punctuation(U'\u20AC'));  // euro sign is Sc, not P*
  EXPECT_TRUE(ce::unicode::is_chinese_char(U'\u4E00'));
  EXPECT_FALSE(ce::unicode::is_chinese_char(U'\u3042'));  // hiragana
  EXPECT_TRUE(ce::unicode::is_mark_nonspacing(U'\u0301'));
  EXPECT_EQ(ce::unicode::combining_class(U'\u0301'), 230u);
}

TEST(Normalizer, CleanTextDropsControlsAndMapsWhitespace) {
  EXPECT_EQ(normalize("a\tb\nc\x01" "d\u200Be\u00A0f", only(true, false, false, false)), "a b cde f");
  EXPECT_EQ(normalize(std::string("x\0y", 3), only(true, false, false, false)), "xy");
  EXPECT_EQ(normalize("a\xFF" "b", only(true, false, false, false)), "ab");  // invalid byte -> U+FFFD -> dropped
  EXPECT_EQ(normalize("a\x0B" "b", only(true, false, false, false)), "ab");  // VT is a control before whitespace
}

TEST(Normalizer, ChineseCharsGetSpaces) {
  EXPECT_EQ(normalize("ab中文c", only(false, true, false, false)), "ab 中  文 c");
  EXPECT_EQ(normalize("かな", only(false, true, false, false)), "かな");
}

TEST(Normalizer, StripAccentsIsNfdWithoutNonspacingMarks) {
  EXPECT_EQ(normalize("Héllo Ångström ñ", only(false, false, true, false)), "Hello Angstrom n");
  EXPECT_EQ(normalize("\u1E9B\u0323", only(false, false, true, false)), "\u017F");  // recursive decomposition
  EXPECT_EQ(normalize("한", only(false, false, true, false)), "\u1112\u1161\u11AB");  // Hangul algorithmic
}

TEST(Normalizer, CanonicalOrderingSortsMarksByClass) {
  std::u32string s = U"a\u0301\u0316b";  // ccc 230 then 220 -> 220 first
  ce::canonical_order(s);
  EXPECT_EQ(s, U"a\u0316\u0301b");
}

TEST(Normalizer, LowercaseIsPerCharFullMapping) {
  EXPECT_EQ(normalize("ABC Σ ΣΑΣ", only(false, false, false, true)), "abc σ σασ");  // no final-sigma rule
  EXPECT_EQ(normalize("\u0130", only(false, false, false, true)), "i\u0307");       // İ -> i + dot above
  // With strip_accents, NFD splits İ into I + U+0307 and the mark goes before lowercasing.
  EXPECT_EQ(normalize("\u0130", only(false, false, true, true)), "i");
}

TEST(PreTokenizer, SplitsWhitespaceAndIsolatesPunctuation) {
  const std::u32string text = U"  Hello, world!! x\u3000y ";
  std::vector<ce::WordSpan> words;
  ce::bert_pre_tokenize(text, words);
  std::vector<std::u32string> got;
  for (auto w : words) got.push_back(text.substr(w.begin, w.end - w.begin));
  EXPECT_EQ(got, (std::vector<std::u32string>{U"Hello", U",", U"world", U"!", U"!", U"x", U"y"}));
}

TEST(WordPiece, GreedyLongestMatchFirst) {
  const std::vector<std::string> vocab = {"[UNK]", "un", "##aff", "##able", "unaff", "a", "##a", "##ff"};
  ce::WordPiece wp(vocab, "[UNK]", "##", 100);
  std::vector<int32_t> ids;
  wp.encode_word("unaffable", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{4, 3}));  // "unaff" beats "un" + "##aff"
  ids.clear();
  wp.encode_word("unx", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{0}));  // no piece for "x": the whole word is [UNK]
  ids.clear();
  wp.encode_word("aaa", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{5, 6, 6}));
}

TEST(WordPiece, TooLongWordIsUnknownCountingCharacters) {
  const std::vector<std::string> vocab = {"[UNK]", "é", "##é"};
  ce::WordPiece wp(vocab, "[UNK]", "##", 3);
  std::vector<int32_t> ids;
  wp.encode_word("ééé", ids);  // 3 chars (6 bytes): allowed
  EXPECT_EQ(ids, (std::vector<int32_t>{1, 2, 2}));
  ids.clear();
  wp.encode_word("éééé", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{0}));
}

TEST(Truncation, LongestFirst) {
  EXPECT_EQ(ce::longest_first(3, 4, 10).a, 3u);                   // fits
  auto k = ce::longest_first(2, 20, 10);                           // only the long side shrinks
  EXPECT_EQ(k.a, 2u);
  EXPECT_EQ(k.b, 8u);
  k = ce::longest_first(20, 2, 10);
  EXPECT_EQ(k.a, 8u);
  EXPECT_EQ(k.b, 2u);
  k = ce::longest_first(20, 30, 9);  // both shrink; the longer side gets the odd token
  EXPECT_EQ(k.a, 4u);
  EXPECT_EQ(k.b, 5u);
  k = ce::longest_first(30, 20, 9);
  EXPECT_EQ(k.a, 5u);
  EXPECT_EQ(k.b, 4u);
  k = ce::longest_first(0, 30, 9);
  EXPECT_EQ(k.b, 9u);
  k = ce::longest_first(5, 5, 0);
  EXPECT_EQ(k.a + k.b, 0u);
}

std::shared_ptr<const ce::Tokenizer> tiny_tokenizer() {
  ce::BertTokenizerOptions o;
  o.added_tokens = {"[SEP]"};
  return ce::make_bert_tokenizer({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s", ",", "a", "b"}, o);
}

TEST(BertTokenizer, PairTemplateAndTypeIds) {
  const auto tok = tiny_tokenizer();
  const auto enc = tok->encode_pair("Hello, worlds", "b a", 512);
  EXPECT_EQ(enc.input_ids, (std::vector<int32_t>{2, 4, 7, 5, 6, 3, 9, 8, 3}));
  EXPECT_EQ(enc.token_type_ids, (std::vector<int32_t>{0, 0, 0, 0, 0, 0, 1, 1, 1}));
  const auto cut = tok->encode_pair("a a a a", "b b", 6);
  EXPECT_EQ(cut.input_ids, (std::vector<int32_t>{2, 8, 8, 3, 9, 3}));  // budget 3: a gets 2, b gets 1
  EXPECT_EQ(tok->encode_pair("", "", 3).input_ids, (std::vector<int32_t>{2, 3, 3}));
  EXPECT_THROW(tok->encode_pair("a", "b", 2), ce::Error);
  // The truncated flag says whether either text lost tokens (the scheduler counts such pairs per call).
  EXPECT_FALSE(enc.truncated);
  EXPECT_TRUE(cut.truncated);
  EXPECT_FALSE(tok->encode_pair("a a", "b", 6).truncated);  // exactly fits: 3 + 3 tokens
  EXPECT_TRUE(tok->encode_pair("a", "b b b", 6).truncated);
}

TEST(BertTokenizer, AddedTokensMatchRawText) {
  const auto tok = tiny_tokenizer();
  EXPECT_EQ(tok->encode_text("a[SEP]b"), (std::vector<int32_t>{8, 3, 9}));
  EXPECT_EQ(tok->encode_text("a [sep] b"), (std::vector<int32_t>{8, 1, 1, 1, 9}));  // "[", "sep", "]" unknown
}

TEST(BertTokenizer, MissingSpecialTokenIsNamed) {
  try {
    ce::make_bert_tokenizer({"[PAD]", "[UNK]", "[CLS]", "hello"}, ce::BertTokenizerOptions{});
    FAIL() << "expected an error";
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::InvalidTokenizer);
    EXPECT_NE(std::string(e.what()).find("[SEP]"), std::string::npos);
  }
}

TEST(BertTokenizer, ArbitraryBytesNeverBreakThePairInvariants) {
  const auto tok = ce::load_tokenizer(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/uncased");
  uint32_t state = 777;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int round = 0; round < 2000; ++round) {
    std::string a, b;
    const size_t la = next() % 64, lb = next() % 256;
    // Mix raw bytes with valid multi-byte characters so both decoder paths are exercised.
    for (size_t i = 0; i < la; ++i) a.push_back(static_cast<char>(next() >> 24));
    for (size_t i = 0; i < lb; ++i) {
      if (next() % 4 == 0) {
        ce::utf8::append(static_cast<char32_t>(next() % 0x30000), b);
      } else {
        b.push_back(static_cast<char>(" aZ.#[SEP]\xc3\xa9"[next() % 12]));
      }
    }
    const size_t max_length = 3 + next() % 40;
    const auto enc = tok->encode_pair(a, b, max_length);
    ASSERT_LE(enc.input_ids.size(), max_length);
    ASSERT_EQ(enc.input_ids.size(), enc.token_type_ids.size());
    ASSERT_EQ(enc.input_ids.front(), tok->token_to_id("[CLS]"));
    ASSERT_EQ(enc.input_ids.back(), tok->token_to_id("[SEP]"));
    for (int32_t id : enc.input_ids) ASSERT_TRUE(id >= 0 && static_cast<size_t>(id) < tok->vocab_size());
  }
}

TEST(BertTokenizer, LongPassageIsLinear) {
  const auto tok = tiny_tokenizer();
  std::string passage;
  while (passage.size() < 100000) passage += "hello worlds, a b ";
  std::string unbroken(100000, 'x');  // one huge word: must stay [UNK] quickly
  const auto t0 = std::chrono::steady_clock::now();
  const auto ids = tok->encode_text(passage);
  const auto unk = tok->encode_text(unbroken);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(ids.size(), 6 * (passage.size() / 18));  // hello world ##s , a b
  EXPECT_EQ(unk, (std::vector<int32_t>{1}));
  EXPECT_LT(s, 0.5) << "tokenizing 200 KB took " << s << " s";
}

// The seam: parts composed by hand equal the BERT builder's pipeline, and another pair template plugs in with
// its own special-token count (XLM-R's <s> a </s></s> b </s> has 4), which the length checks follow.
class FourSpecialTemplate final : public ce::PostProcessor {
 public:
  size_t num_special_tokens_pair() const override { return 4; }
  std::string describe_pair() const override { return "<s> a </s></s> b </s>"; }
  ce::PairEncoding process_pair(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                size_t max_length) const override {
    const ce::PairLengths keep = ce::longest_first(a.size(), b.size(), max_length - 4);
    ce::PairEncoding enc;
    enc.input_ids.push_back(2);
    enc.input_ids.insert(enc.input_ids.end(), a.begin(), a.begin() + static_cast<ptrdiff_t>(keep.a));
    enc.input_ids.insert(enc.input_ids.end(), {3, 3});
    enc.input_ids.insert(enc.input_ids.end(), b.begin(), b.begin() + static_cast<ptrdiff_t>(keep.b));
    enc.input_ids.push_back(3);
    enc.token_type_ids.assign(enc.input_ids.size(), 0);
    return enc;
  }
};

ce::TokenizerParts bert_parts(std::unique_ptr<const ce::PostProcessor> post_processor) {
  const std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s", ",", "a", "b"};
  ce::TokenizerParts parts;
  parts.added_tokens = ce::AddedTokens(std::vector<std::pair<std::string, int32_t>>{{"[SEP]", 3}});
  parts.normalizer = std::make_unique<const ce::BertNormalizer>(ce::NormalizerFlags{});
  parts.pre_tokenizer = std::make_unique<const ce::BertPreTokenizer>();
  parts.model = std::make_unique<const ce::WordPiece>(vocab, "[UNK]", "##", 100);
  parts.post_processor = std::move(post_processor);
  parts.model_max_length = 64;
  return parts;
}

TEST(PipelineTokenizer, BertPartsComposeToTheBertTokenizer) {
  const ce::PipelineTokenizer composed(bert_parts(std::make_unique<const ce::TemplateProcessing>(ce::bert_processing("[CLS]", 2, "[SEP]", 3))));
  const auto built = tiny_tokenizer();
  for (const char* text : {"Hello, worlds", "a[SEP]b", "HELLO   world\u00e9s", "", "\xff\xfe a"}) {
    EXPECT_EQ(composed.encode_text(text), built->encode_text(text)) << text;
    for (size_t max_length : {3, 4, 5, 9, 512}) {
      const auto x = composed.encode_pair(text, "b a hello", max_length);
      const auto y = built->encode_pair(text, "b a hello", max_length);
      EXPECT_EQ(x.input_ids, y.input_ids) << text << " " << max_length;
      EXPECT_EQ(x.token_type_ids, y.token_type_ids) << text << " " << max_length;
    }
  }
  EXPECT_EQ(composed.vocab_size(), 10u);
  EXPECT_EQ(composed.model_max_length(), std::optional<size_t>(64));
  EXPECT_EQ(composed.token_to_id("##s"), std::optional<int32_t>(6));
  EXPECT_EQ(composed.token_to_id("nope"), std::nullopt);
}

TEST(PipelineTokenizer, PostProcessorOwnsTheSpecialTokenCount) {
  const ce::PipelineTokenizer tok(bert_parts(std::make_unique<const FourSpecialTemplate>()));
  EXPECT_EQ(tok.num_special_tokens_pair(), 4u);
  EXPECT_EQ(tok.encode_pair("a a a", "b b", 6).input_ids, (std::vector<int32_t>{2, 8, 3, 3, 9, 3}));
  EXPECT_EQ(tok.encode_pair("", "", 4).input_ids, (std::vector<int32_t>{2, 3, 3, 3}));
  try {
    tok.encode_pair("a", "b", 3);
    FAIL() << "expected an error";
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("at least 4 for a pair (<s> a </s></s> b </s>), got 3"), std::string::npos)
        << e.what();
  }
  ce::TokenizerParts incomplete = bert_parts(nullptr);
  EXPECT_THROW(ce::PipelineTokenizer{std::move(incomplete)}, ce::Error);
}

TEST(WordPiece, MissingUnkTokenIsNamed) {
  try {
    ce::WordPiece({"a", "b"}, "[UNK]", "##", 100);
    FAIL() << "expected an error";
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::InvalidTokenizer);
    EXPECT_NE(std::string(e.what()).find("unk token \"[UNK]\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(ce::WordPiece({"[UNK]"}, "[UNK]", "", 100), ce::Error);  // an empty continuation prefix
}

}  // namespace
