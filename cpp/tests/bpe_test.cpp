// Unit tests of the BPE pipeline's parts: the BPE model (merge order, prefix / suffix, byte fallback, unk and
// fuse_unk, ignore_merges), the split patterns and behaviours, ByteLevel, and typed errors for malformed
// merges, unsupported regexes and options.
#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"
#include "tokenizer/bpe.h"
#include "tokenizer/bpe_json.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/pre_tokenizer_json.h"
#include "tokenizer/split_patterns.h"
#include "tokenizer/split_steps.h"
#include "tokenizer/tokenizer_files.h"
#include "tokenizer/utf8.h"

namespace {

using ce::ErrorCode;
using ce::test::expect_error;
using Ids = std::vector<int32_t>;
using Vocab = std::vector<std::pair<std::string, int32_t>>;
using Merges = std::vector<std::pair<std::string, std::string>>;

Ids encode(const ce::Bpe& bpe, const std::string& word) {
  Ids out;
  bpe.encode_word(word, out);
  return out;
}

TEST(Bpe, MergesInRankOrderLeftmostFirst) {
  const Vocab vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}, {"aa", 6}};
  // "bc" outranks "ab": abc -> a bc (no "a bc" merge) ; "aa" ties resolve leftmost: aaa -> aa a.
  const ce::Bpe bpe(vocab, {{"b", "c"}, {"a", "b"}, {"a", "a"}}, {});
  EXPECT_EQ(encode(bpe, "abc"), (Ids{0, 4}));
  EXPECT_EQ(encode(bpe, "ab"), (Ids{3}));
  EXPECT_EQ(encode(bpe, "aaa"), (Ids{6, 0}));
  EXPECT_EQ(encode(bpe, "aaaa"), (Ids{6, 6}));
  const ce::Bpe chained(vocab, {{"a", "b"}, {"ab", "c"}}, {});
  EXPECT_EQ(encode(chained, "abcab"), (Ids{5, 3}));
  EXPECT_EQ(bpe.vocab_size(), 7u);
  EXPECT_EQ(bpe.token_to_id("abc"), 5);
  EXPECT_EQ(bpe.token_to_id("zz"), -1);
}

TEST(Bpe, UnknownCharactersDroppedOrUnkOrFused) {
  const Vocab vocab = {{"<unk>", 0}, {"a", 1}, {"b", 2}};
  EXPECT_EQ(encode(ce::Bpe(vocab, {}, {}), "axxb"), (Ids{1, 2}));  // no unk token: dropped
  ce::BpeOptions unk;
  unk.unk_token = "<unk>";
  EXPECT_EQ(encode(ce::Bpe(vocab, {}, unk), "axxb\xc3\xa9"), (Ids{1, 0, 0, 2, 0}));
  unk.fuse_unk = true;
  EXPECT_EQ(encode(ce::Bpe(vocab, {}, unk), "axxb\xc3\xa9"), (Ids{1, 0, 2, 0}));
  ce::BpeOptions missing;
  missing.unk_token = "<nope>";
  const ce::Bpe without(vocab, {}, missing);
  EXPECT_EQ(encode(without, "ab"), (Ids{1, 2}));  // only an error when a text needs it, as tokenizers
  expect_error([&] { encode(without, "ax"); }, ErrorCode::InvalidTokenizer, {"<nope>", "not in the vocab"});
}

TEST(Bpe, ByteFallbackSpellsUnknownCharactersAsBytes) {
  const Vocab vocab = {{"<unk>", 0}, {"a", 1}, {"<0xC3>", 2}, {"<0xA9>", 3}, {"<0x78>", 4}};
  ce::BpeOptions o;
  o.byte_fallback = true;
  o.unk_token = "<unk>";
  EXPECT_EQ(encode(ce::Bpe(vocab, {}, o), "a\xc3\xa9x"), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(encode(ce::Bpe(vocab, {}, o), "a\xe2\x82\xac"), (Ids{1, 0}));  // bytes missing: unk
}

TEST(Bpe, ContinuingPrefixAndEndOfWordSuffix) {
  const Vocab vocab = {{"a", 0}, {"##b", 1}, {"##c</w>", 2}, {"ab", 3}, {"ab##c</w>", 4}, {"abc</w>", 5}};
  ce::BpeOptions o;
  o.continuing_subword_prefix = "##";
  o.end_of_word_suffix = "</w>";
  // The merged token is a + b without b's prefix: "a" "##b" -> "ab"; "ab" "##c</w>" -> "abc</w>".
  const ce::Bpe bpe(vocab, {{"a", "##b"}, {"ab", "##c</w>"}}, o);
  EXPECT_EQ(encode(bpe, "abc"), (Ids{5}));
  EXPECT_EQ(encode(bpe, "ab"), (Ids{0}));  // the last "b" is "##b</w>", not in the vocab: dropped
}

TEST(Bpe, IgnoreMergesTakesWholeWords) {
  const Vocab vocab = {{"a", 0}, {"b", 1}, {"ab", 2}, {"ba", 3}, {"aba", 4}};
  ce::BpeOptions o;
  const Merges merges = {{"a", "b"}};
  EXPECT_EQ(encode(ce::Bpe(vocab, merges, o), "aba"), (Ids{2, 0}));
  o.ignore_merges = true;
  EXPECT_EQ(encode(ce::Bpe(vocab, merges, o), "aba"), (Ids{4}));
  EXPECT_EQ(encode(ce::Bpe(vocab, merges, o), "abb"), (Ids{2, 1}));
}

TEST(Bpe, MalformedMergesAreTypedErrors) {
  const Vocab vocab = {{"a", 0}, {"b", 1}, {"ab", 2}};
  expect_error([&] { ce::Bpe(vocab, {{"a", "c"}}, {}); }, ErrorCode::InvalidTokenizer, {"merge 1", "\"c\""});
  expect_error([&] { ce::Bpe(vocab, {{"a", "b"}, {"b", "a"}}, {}); }, ErrorCode::InvalidTokenizer,
               {"merge 2", "\"ba\" is not in the vocab"});
  ce::BpeOptions o;
  o.continuing_subword_prefix = "##";
  expect_error([&] { ce::Bpe(vocab, {{"a", "b"}}, o); }, ErrorCode::InvalidTokenizer, {"lacks the prefix"});
  expect_error([&] { ce::Bpe({{"x", -1}}, {}, {}); }, ErrorCode::InvalidTokenizer, {"negative id"});
}

ce::TokenizerJson json_of(const std::string& text) { return ce::parse_tokenizer_json(text, "tokenizer.json"); }

TEST(BpeJson, MergesInBothFormsAndOptions) {
  const auto t = json_of(R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "abb": 3},
      "merges": ["a b", ["ab", "b"]], "dropout": null, "unk_token": null, "fuse_unk": true,
      "continuing_subword_prefix": null, "end_of_word_suffix": "", "byte_fallback": false, "ignore_merges": false}})");
  const auto tables = ce::read_bpe_tables(t);
  ASSERT_EQ(tables.merges.size(), 2u);
  EXPECT_EQ(tables.merges[1], (std::pair<std::string, std::string>("ab", "b")));
  const auto bpe = ce::read_bpe_model(t);
  EXPECT_EQ(encode(*bpe, "abbab"), (Ids{3, 2}));
  EXPECT_TRUE(ce::read_bpe_options(t).fuse_unk);
}

TEST(BpeJson, MalformedModelsAreTypedErrors) {
  auto bad = [](const std::string& model, ErrorCode code, const std::vector<std::string>& parts) {
    SCOPED_TRACE(model);
    expect_error([&] { ce::read_bpe_model(json_of(R"({"model": )" + model + "}")); }, code, parts);
  };
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": ["a"]})", ErrorCode::InvalidTokenizer,
      {"model.merges[0]", "one space"});
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": ["a a a"]})", ErrorCode::InvalidTokenizer, {"model.merges[0]"});
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]})", ErrorCode::InvalidTokenizer, {"model.merges[0]"});
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]})", ErrorCode::InvalidTokenizer,
      {"tokenizer.json", "merge 1", "\"b\" is not in the vocab"});
  bad(R"({"type": "BPE", "vocab": {"a": "zero"}, "merges": []})", ErrorCode::InvalidTokenizer, {"model.vocab[\"a\"]"});
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": [], "dropout": 0.1})", ErrorCode::UnsupportedTokenizer,
      {"model.dropout", "0.1"});
  bad(R"({"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": 3})", ErrorCode::InvalidTokenizer,
      {"model.unk_token"});
  bad(R"({"type": "BPE", "vocab": [], "merges": []})", ErrorCode::InvalidTokenizer, {"model.vocab is not an object"});
  EXPECT_NO_THROW(ce::read_bpe_model(json_of(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "dropout": 0.0}})")));
}

std::vector<std::string> split(const ce::SplitPattern& pattern, const std::string& text,
                               ce::SplitBehavior behavior = ce::SplitBehavior::Isolated, bool invert = false) {
  std::u32string cps;
  ce::utf8::decode(text, cps);
  ce::Splits out;
  std::vector<ce::PatternMatch> scratch;
  ce::split_by_pattern(cps, pattern, behavior, invert, scratch, out);
  std::vector<std::string> words;
  for (const auto& piece : out) {
    words.emplace_back();
    for (char32_t c : piece) ce::utf8::append(c, words.back());
  }
  return words;
}

using Words = std::vector<std::string>;

TEST(SplitPatterns, Gpt2) {
  const auto p = ce::gpt2_pattern();
  EXPECT_EQ(split(*p, "Hello world's  3 apples!!  \n x"),
            (Words{"Hello", " world", "'s", " ", " 3", " apples", "!!", "  \n", " x"}));
  EXPECT_EQ(split(*p, "I'M don't 'll"), (Words{"I", "'", "M", " don", "'t", " '", "ll"}));
  EXPECT_EQ(split(*p, "  trailing  "), (Words{" ", " trailing", "  "}));
  // é, 中文, ٣٤ and Ⅷ (Nl)
  EXPECT_EQ(split(*p, "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xd9\xa3\xd9\xa4 \xe2\x85\xa7"),
            (Words{"caf\xc3\xa9", " \xe4\xb8\xad\xe6\x96\x87", " \xd9\xa3\xd9\xa4", " \xe2\x85\xa7"}));
  EXPECT_EQ(split(*p, "a\xe3\x80\x80" "b"), (Words{"a", "\xe3\x80\x80", "b"}));  // U+3000 is \s, not ' '
  // Oniguruma's classes are Unicode 16.0: U+1C89 (a letter) and U+10D40 (a digit) are new in 16.0.
  EXPECT_EQ(split(*p, "a\xe1\xb2\x89" "b 1\xf0\x90\xb5\x80"), (Words{"a\xe1\xb2\x89" "b", " 1\xf0\x90\xb5\x80"}));
}

TEST(SplitPatterns, Cl100k) {
  const auto p = ce::regex_pattern(ce::kCl100kPattern);
  ASSERT_TRUE(p);
  EXPECT_EQ(split(*p, "I'M (hello) 12345 world\r\n\n  x"),
            (Words{"I", "'M", " (", "hello", ")", " ", "123", "45", " world", "\r\n\n", " ", " x"}));
  EXPECT_EQ(split(*p, "foo...\n\nbar"), (Words{"foo", "...\n\n", "bar"}));
  EXPECT_EQ(split(*p, "x \n y"), (Words{"x", " \n", " y"}));
}

TEST(SplitPatterns, LiteralAndBehaviours) {
  const auto dash = ce::literal_pattern(U"-");
  EXPECT_EQ(split(*dash, "a-b--c-", ce::SplitBehavior::Isolated), (Words{"a", "-", "b", "-", "-", "c", "-"}));
  EXPECT_EQ(split(*dash, "a-b--c-", ce::SplitBehavior::Removed), (Words{"a", "b", "c"}));
  EXPECT_EQ(split(*dash, "a-b--c-", ce::SplitBehavior::MergedWithPrevious), (Words{"a-", "b-", "-", "c-"}));
  EXPECT_EQ(split(*dash, "-a-b--c", ce::SplitBehavior::MergedWithNext), (Words{"-a", "-b", "-", "-c"}));
  EXPECT_EQ(split(*dash, "a-b--c", ce::SplitBehavior::Contiguous), (Words{"a", "-", "b", "--", "c"}));
  EXPECT_EQ(split(*dash, "a-b--c", ce::SplitBehavior::Removed, true), (Words{"-", "-", "-"}));
  EXPECT_EQ(split(*ce::literal_pattern(U""), "abc"), (Words{"a", "b", "c"}));
  EXPECT_EQ(split(*ce::literal_pattern(U"ab"), "aababab"), (Words{"a", "ab", "ab", "ab"}));
}

TEST(SplitPatterns, LiteralSearchIsLinear) {
  // A literal from an untrusted file that a naive search would compare ~20k times at each of 200k positions.
  const auto p = ce::literal_pattern(std::u32string(20000, U'a') + U"b");
  const std::string text = std::string(200000, 'a') + "b";
  const auto t0 = std::chrono::steady_clock::now();
  const auto words = split(*p, text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].size(), 180000u);
  EXPECT_LT(seconds, 2.0);
}

TEST(PreTokenizers, ByteLevelAlphabetAndPrefixSpace) {
  EXPECT_EQ(ce::byte_level_char(' '), U'\u0120');  // Ġ
  EXPECT_EQ(ce::byte_level_char('A'), U'A');
  EXPECT_EQ(ce::byte_level_char(0x00), U'\u0100');
  EXPECT_EQ(ce::byte_level_char(0xAD), U'\u0143');
  EXPECT_EQ(ce::byte_level_char(0xFF), U'\u00FF');
  auto run = [](const std::string& pre, const std::string& text) {
    const auto t = json_of(R"({"model": {"type": "BPE", "vocab": {}}, "pre_tokenizer": )" + pre + "}");
    std::u32string cps;
    ce::utf8::decode(text, cps);
    ce::PreTokenizedWords words;
    ce::read_pre_tokenizer(t)->pre_tokenize(cps, words);
    Words out;
    for (size_t i = 0; i < words.size(); ++i) out.emplace_back(words[i]);
    return out;
  };
  EXPECT_EQ(run(R"({"type": "ByteLevel", "add_prefix_space": true, "use_regex": true})", "hi  there\xc3\xa9"),
            (Words{"\xc4\xa0hi", "\xc4\xa0", "\xc4\xa0there\xc3\x83\xc2\xa9"}));
  EXPECT_EQ(run(R"({"type": "ByteLevel", "add_prefix_space": false, "use_regex": false})", "hi  there"),
            (Words{"hi\xc4\xa0\xc4\xa0there"}));
  EXPECT_EQ(run(R"({"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true},
                   {"type": "Punctuation", "behavior": "Isolated"}]})", "ab12,c3"),
            (Words{"ab", "1", "2", ",", "c", "3"}));
  EXPECT_EQ(run(R"({"type": "Digits", "individual_digits": false})", "ab12c3"), (Words{"ab", "12", "c", "3"}));
  EXPECT_EQ(run(R"({"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false})",
                " a  b "), (Words{"a", "b"}));
  EXPECT_EQ(run("null", "a b"), (Words{"a b"}));
}

TEST(PreTokenizers, UnsupportedOrMalformedAreTypedErrors) {
  auto bad = [](const std::string& pre, ErrorCode code, const std::vector<std::string>& parts) {
    SCOPED_TRACE(pre);
    expect_error([&] { ce::read_pre_tokenizer(json_of(R"({"pre_tokenizer": )" + pre + "}")); }, code, parts);
  };
  bad(R"({"type": "Split", "pattern": {"Regex": "\\w+|[^\\w\\s]+"}, "behavior": "Isolated", "invert": false})",
      ErrorCode::UnsupportedTokenizer, {"pre_tokenizer regex", "\\w+|[^\\w\\s]+"});
  bad(R"({"type": "Split", "pattern": {"Glob": "*"}, "behavior": "Isolated"})", ErrorCode::InvalidTokenizer,
      {"pre_tokenizer.pattern"});
  bad(R"({"type": "Split", "pattern": {"String": "x"}, "behavior": "Sideways"})", ErrorCode::InvalidTokenizer,
      {"pre_tokenizer.behavior"});
  bad(R"({"type": "Split", "pattern": {"String": "x"}})", ErrorCode::InvalidTokenizer, {"no \"behavior\""});
  bad(R"({"type": "Sequence", "pretokenizers": [{"type": "Funky"}]})", ErrorCode::UnsupportedTokenizer,
      {"pre_tokenizer.pretokenizers[0]", "'Funky'"});
  bad(R"({"type": "ByteLevel", "add_prefix_space": "yes"})", ErrorCode::InvalidTokenizer, {"add_prefix_space"});
}

}  // namespace

namespace {

// load_tokenizer over small BPE tokenizer.json files: the pipeline as serialized, transformers 5's RobertaTokenizer
// rebuild, and classes we do not reproduce.
class BpeFiles : public ce::test::ScratchDirTest {
 protected:
  BpeFiles() : ScratchDirTest("ce_bpe_") {}
  void write(const std::string& name, const std::string& text) { write_raw(name, text); }
  std::string dir() const { return dir_.string(); }
};

const char* kTinyBpe = R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "\u0120": 3, "\u0120a": 4,
    "<s>": 5, "</s>": 6}, "merges": ["a b", "\u0120 a"]},
  "added_tokens": [{"id": 9, "content": "<extra>", "special": true, "normalized": false, "lstrip": false,
                    "rstrip": false, "single_word": false}]%s})";

std::string tiny(const std::string& more) {
  std::string text = kTinyBpe;
  text.replace(text.find("%s"), 2, more);
  return text;
}

TEST_F(BpeFiles, NoPreTokenizerIsOneWordAndAddedIdsCountInTheVocab) {
  write("tokenizer.json", tiny(""));
  const auto tok = ce::load_tokenizer(dir());
  EXPECT_EQ(tok->encode_text("abab"), (Ids{2, 2}));
  EXPECT_EQ(tok->encode_text("ab<extra>a"), (Ids{2, 9, 0}));
  EXPECT_EQ(tok->vocab_size(), 10u);  // the added token's id 9 is past the model's 7
  const auto enc = tok->encode_pair("ab", "b", 8);
  EXPECT_EQ(enc.input_ids, (Ids{2, 1}));
  EXPECT_EQ(enc.token_type_ids, (Ids{0, 1}));
}

TEST_F(BpeFiles, RobertaTokenizerClassRebuildsThePipeline) {
  // The file's normalizer-less ByteLevel(add_prefix_space false) and BertProcessing are replaced by
  // ByteLevel(add_prefix_space from the config) and RobertaProcessing(sep, cls from the config).
  write("tokenizer.json", tiny(R"(, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
      "post_processor": {"type": "BertProcessing", "sep": ["</s>", 6], "cls": ["<s>", 5]})"));
  write("tokenizer_config.json", R"({"tokenizer_class": "RobertaTokenizer", "add_prefix_space": true,
      "model_max_length": 514})");
  const auto tok = ce::load_tokenizer(dir());
  EXPECT_EQ(tok->encode_text("a"), (Ids{4}));
  EXPECT_EQ(tok->encode_pair("a", "ab", 512).input_ids, (Ids{5, 4, 6, 6, 3, 2, 6}));
  EXPECT_EQ(tok->num_special_tokens_pair(), 4u);
  EXPECT_EQ(tok->model_max_length(), std::optional<size_t>(514));
  write("tokenizer_config.json", R"({"tokenizer_class": "GPT2Tokenizer"})");
  expect_error([&] { ce::load_tokenizer(dir()); }, ErrorCode::UnsupportedTokenizer, {"GPT2Tokenizer"});
  write("tokenizer_config.json", R"({"tokenizer_class": "RobertaTokenizer", "cls_token": "<cls>"})");
  expect_error([&] { ce::load_tokenizer(dir()); }, ErrorCode::InvalidTokenizer, {"cls token \"<cls>\""});
}

TEST_F(BpeFiles, MalformedFilesAreTypedErrors) {
  write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a z"]}})");
  expect_error([&] { ce::load_tokenizer(dir()); }, ErrorCode::InvalidTokenizer, {"tokenizer.json", "\"z\""});
  write("tokenizer.json", tiny(R"(, "normalizer": {"type": "NFKC"}, "post_processor": {"type": "TemplateProcessing",
      "single": [{"Sequence": {"id": "A", "type_id": 0}}], "pair": [{"Sequence": {"id": "A", "type_id": 0}},
      {"SpecialToken": {"id": "<x>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
      "special_tokens": {"<x>": {"id": "<x>", "ids": [10], "tokens": ["<x>"]}}})"));
  expect_error([&] { ce::load_tokenizer(dir()); }, ErrorCode::InvalidTokenizer, {"ids[0]", "below 10"});
}

}  // namespace
