// load_tokenizer on Unigram tokenizer.json files: a small pipeline as serialized (ids from tokenizers 0.23.3), the
// transformers 5 class rules (which class rebuilds, XLM-R's unk_id 3 and template, DeBERTa's options), and every
// malformed or unsupported component refused with a typed error that names it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "tokenizer/tokenizer_files.h"

namespace {

using ce::ErrorCode;
using ce::test::expect_error;
using nlohmann::json;

// Normalizer Replace/Lowercase/Strip, pre-tokenizer Whitespace + Metaspace, Unigram with byte fallback, a raw added
// token <sep> and a template; tools: tokenizers.Tokenizer.from_file on the same JSON.
json tiny_tokenizer() {
  return json::parse(R"({
 "version": "1.0", "truncation": null, "padding": null,
 "added_tokens": [{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                  {"id": 9, "content": "<sep>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
 "normalizer": {"type": "Sequence", "normalizers": [{"type": "Replace", "pattern": {"String": "``"}, "content": "\""}, {"type": "Lowercase"}, {"type": "Strip", "strip_left": true, "strip_right": true}]},
 "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}, {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true}]},
 "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<sep>", "type_id": 0}}],
   "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<sep>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "<sep>", "type_id": 1}}],
   "special_tokens": {"<sep>": {"id": "<sep>", "ids": [9], "tokens": ["<sep>"]}}},
 "decoder": null,
 "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": true, "vocab": [["<unk>", 0.0], ["\u2581", -2.0], ["\u2581a", -3.0], ["b", -3.0], ["\u2581ab", -4.0], ["\"", -2.5], ["<0x21>", -1.0], ["\u2581\"", -3.5], ["c", -3.1], ["<sep>", 0.0]]}
})");
}

class UnigramFiles : public ce::test::ScratchDirTest {
 protected:
  UnigramFiles() : ScratchDirTest("ce_unigram_") {}
  std::shared_ptr<const ce::Tokenizer> load(const json& tokenizer, const json& config = json()) {
    write_raw("tokenizer.json", tokenizer.dump());
    if (!config.is_null()) write_raw("tokenizer_config.json", config.dump());
    return ce::load_tokenizer(dir_.string());
  }
  void expect_load_error(const json& tokenizer, ErrorCode code, const std::vector<std::string>& parts,
                         const json& config = json()) {
    expect_error([&] { load(tokenizer, config); }, code, parts);
  }
};

TEST_F(UnigramFiles, AsSerializedPipelineMatchesTokenizers) {
  const auto tok = load(tiny_tokenizer());
  EXPECT_EQ(tok->encode_text("AB ``ab`` c!"), (std::vector<int32_t>{4, 7, 4, 7, 1, 8, 1, 6}));
  EXPECT_EQ(tok->encode_text("  a<sep>b  "), (std::vector<int32_t>{2, 9, 1, 3}));
  EXPECT_EQ(tok->encode_text("zz"), (std::vector<int32_t>{1, 0}));
  EXPECT_TRUE(tok->encode_text("").empty());
  const auto pair = tok->encode_pair("ab c", "AB", 512);
  EXPECT_EQ(pair.input_ids, (std::vector<int32_t>{4, 1, 8, 9, 4, 9}));
  EXPECT_EQ(pair.token_type_ids, (std::vector<int32_t>{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(tok->vocab_size(), 10u);
  // No pre-tokenizer: the whole normalized text is one word (spaces stay, and are unknown here).
  json t = tiny_tokenizer();
  t["pre_tokenizer"] = nullptr;
  EXPECT_EQ(load(t)->encode_text("ab c"), (std::vector<int32_t>{0, 3, 0, 8}));
}

TEST_F(UnigramFiles, UnsupportedComponentsAreNamed) {
  json t = tiny_tokenizer();
  t["normalizer"] = {{"type", "Nmt"}};
  expect_load_error(t, ErrorCode::UnsupportedTokenizer, {"normalizer", "'Nmt'"});
  t = tiny_tokenizer();
  t["normalizer"]["normalizers"][0]["pattern"] = {{"Regex", "x+"}};
  expect_load_error(t, ErrorCode::UnsupportedTokenizer, {"normalizer.normalizers[0]", "regex", "'x+'"});
  t = tiny_tokenizer();
  t["pre_tokenizer"]["pretokenizers"][0] = {{"type", "UnicodeScripts"}};
  expect_load_error(t, ErrorCode::UnsupportedTokenizer, {"pre_tokenizer.pretokenizers[0]", "'UnicodeScripts'"});
  expect_load_error(tiny_tokenizer(), ErrorCode::UnsupportedTokenizer, {"tokenizer_class", "\"AlbertTokenizer\"", "Unigram"},
                    json{{"tokenizer_class", "AlbertTokenizer"}});
}

TEST_F(UnigramFiles, MalformedFilesAreInvalid) {
  json t = tiny_tokenizer();
  t["model"]["vocab"][3] = "b";
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"model.vocab[3]", "[piece, score]"});
  t = tiny_tokenizer();
  t["model"]["vocab"][3] = json::array({"b", "x"});
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"model.vocab[3]"});
  t = tiny_tokenizer();
  t["model"]["vocab"][3] = json::array({"b", json::array({1})});
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"model.vocab[3]"});
  t = tiny_tokenizer();
  t["model"]["vocab"][3] = json::array({"c", -1.0});
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"\"c\" twice"});
  t = tiny_tokenizer();
  t["model"]["vocab"] = json::object();
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"model.vocab", "array"});
  t = tiny_tokenizer();
  t["model"]["unk_id"] = 99;
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"unk_id 99"});
  t = tiny_tokenizer();
  t["model"]["unk_id"] = "0";
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"unk_id"});
  t = tiny_tokenizer();
  t["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "not base64!"}};
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"precompiled_charsmap", "base64"});
  t = tiny_tokenizer();
  t["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}};
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"precompiled_charsmap"});
  t = tiny_tokenizer();
  t["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "ab"}};
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"replacement", "one character"});
  t = tiny_tokenizer();
  t["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "_"}, {"add_prefix_space", false}};
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"add_prefix_space"});
  t = tiny_tokenizer();
  t["added_tokens"][1]["content"] = "<new>";
  t["added_tokens"][1]["id"] = 5000;
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"added_tokens[1].id"});
  t = tiny_tokenizer();
  t["model"]["vocab"] = json::array({json::array({"<unk>", 0.0}), json::array({"a", 0.0})});
  t["post_processor"] = nullptr;
  t["added_tokens"] = json::array();
  expect_load_error(t, ErrorCode::InvalidTokenizer, {"4 pieces", "unk_id is 3"}, json{{"tokenizer_class", "XLMRobertaTokenizer"}});
}

TEST_F(UnigramFiles, XlmRobertaClassRebuildsThePipeline) {
  // The file says Lowercase + Metaspace without split; XLMRobertaTokenizer ignores both (no charsmap here: no
  // normalizer), splits on whitespace, uses unk_id 3 and <s> a </s></s> b </s>.
  json t = tiny_tokenizer();
  t["model"]["vocab"] = json::parse(R"([["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["\u2581A", -1.0],
                                        ["\u2581a", -2.0], ["b", -3.0], ["<mask>", 0.0]])");
  t["model"]["unk_id"] = 0;
  t["added_tokens"] = json::parse(R"([{"id": 7, "content": "<mask>", "lstrip": true, "normalized": false, "special": true}])");
  t["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"split", false}};
  const auto tok = load(t, json{{"tokenizer_class", "XLMRobertaTokenizer"}});
  EXPECT_EQ(tok->encode_text("A  ab z"), (std::vector<int32_t>{4, 5, 6, 3}));
  // lstrip ate the space before <mask>; "b" after it still gets its "▁" (unknown here: unk 3).
  EXPECT_EQ(tok->encode_text("a <mask>b"), (std::vector<int32_t>{5, 7, 3, 6}));
  const auto pair = tok->encode_pair("a", "b", 512);
  EXPECT_EQ(pair.input_ids, (std::vector<int32_t>{0, 5, 2, 2, 3, 6, 2}));
  EXPECT_EQ(pair.token_type_ids, (std::vector<int32_t>(7, 0)));
  // add_prefix_space false: Metaspace never prepends (transformers 5.23 gives the same ids).
  const auto no_prefix = load(t, json{{"tokenizer_class", "XLMRobertaTokenizer"}, {"add_prefix_space", false}});
  EXPECT_EQ(no_prefix->encode_text("A  ab z"), (std::vector<int32_t>{3, 3, 6, 3}));
  EXPECT_EQ(no_prefix->encode_text("a <mask>b"), (std::vector<int32_t>{3, 7, 6}));
  EXPECT_EQ(no_prefix->encode_pair("a", "b", 512).input_ids, (std::vector<int32_t>{0, 3, 2, 2, 6, 2}));
  // transformers 4's hub files: tokenizer_config.json's added_tokens_decoder wins over tokenizer.json's added_tokens
  // (<mask> lstrip + rstrip here, tokenizer.json says neither) and adds <x> after the vocab (transformers 5.23: same ids).
  t["added_tokens"][0]["lstrip"] = false;
  const json decoder = json::parse(R"({
    "7": {"content": "<mask>", "lstrip": true, "normalized": false, "rstrip": true, "single_word": false, "special": true},
    "8": {"content": "<x>", "lstrip": false, "normalized": false, "rstrip": false, "single_word": false, "special": false}})");
  const auto v4 = load(t, json{{"tokenizer_class", "XLMRobertaTokenizer"}, {"added_tokens_decoder", decoder}});
  EXPECT_EQ(v4->encode_text("a <mask> b"), (std::vector<int32_t>{5, 7, 3, 6}));
  EXPECT_EQ(v4->encode_text("a<x>b"), (std::vector<int32_t>{5, 8, 3, 6}));
  EXPECT_EQ(v4->vocab_size(), 9u);
}

TEST_F(UnigramFiles, DebertaV2ClassOptions) {
  // The debv3 fixture with do_lower_case and without add_prefix_space (Metaspace prepend_scheme "first"), then with
  // split_by_punct; expected
  // ids from transformers 5.23 on the same files. "ÉTÉ" lowercases to the normalized added token "été" (6001).
  std::ifstream in(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/debv3/tokenizer.json");
  const json t = json::parse(in);
  std::ifstream config_in(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/debv3/tokenizer_config.json");
  json config = json::parse(config_in);
  config["do_lower_case"] = true;
  config["add_prefix_space"] = false;
  const auto tok = load(t, config);
  EXPECT_EQ(tok->encode_text("Hello  World\t\u00c9T\u00c9"), (std::vector<int32_t>{360, 2411, 132, 52, 18, 35, 4, 6001}));
  EXPECT_EQ(tok->encode_text(" Leading"), (std::vector<int32_t>{4, 42, 150, 224}));
  EXPECT_EQ(tok->encode_text("[MASK] X"), (std::vector<int32_t>{6000, 4, 274}));
  const auto pair = tok->encode_pair("Hello", "World", 512);
  EXPECT_EQ(pair.input_ids, (std::vector<int32_t>{1, 360, 2411, 2, 132, 52, 18, 35, 2}));
  EXPECT_EQ(pair.token_type_ids, (std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1, 1, 1}));
  // split_by_punct: a Punctuation pre-tokenizer (isolated) before Metaspace.
  std::ifstream config_in2(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/debv3/tokenizer_config.json");
  json punct_config = json::parse(config_in2);
  punct_config["split_by_punct"] = true;
  const auto punct = load(t, punct_config);
  EXPECT_EQ(punct->encode_text("Hello, world! (it's) \u00abx\u00bb"),
            (std::vector<int32_t>{55, 2411, 4, 6, 132, 52, 18, 35, 4, 4979, 4, 335, 4, 59, 4, 787, 4, 7, 4, 307, 4, 4,
                                  1274, 4, 274, 4, 1267}));
  EXPECT_EQ(punct->encode_text("a.b...c [MASK]?"),
            (std::vector<int32_t>{4, 8, 4, 5, 137, 4, 5, 4, 5, 4, 5, 4, 31, 6000, 4, 2799}));
}

}  // namespace
