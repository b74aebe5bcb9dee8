// Post-processors read from tokenizer.json: templates, special-token counts, type ids, longest_first truncation
// with each template's budget, and typed errors for malformed or unsupported processors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"
#include "tokenizer/post_processor_json.h"
#include "tokenizer/truncation.h"

namespace {

using ce::ErrorCode;
using ce::test::expect_error;
using Ids = std::vector<int32_t>;

ce::TokenizerJson with_post_processor(const std::string& post_processor_json) {
  return ce::parse_tokenizer_json(R"({"model": {"type": "BPE", "vocab": {}}, "post_processor": )" +
                                      post_processor_json + "}",
                                  "tokenizer.json");
}

ce::TemplateProcessing read(const std::string& post_processor_json, size_t id_limit = 1000) {
  return ce::read_post_processor(with_post_processor(post_processor_json), id_limit);
}

const char* kBertTemplate = R"({"type": "TemplateProcessing",
  "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
             {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
  "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
           {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
           {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
  "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]},
                     "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]}}})";

TEST(PostProcessor, TemplateProcessingAppliesPairTemplateWithTypeIds) {
  const auto p = read(kBertTemplate);
  EXPECT_EQ(p.num_special_tokens_pair(), 3u);
  EXPECT_EQ(p.num_special_tokens_single(), 2u);
  EXPECT_EQ(p.describe_pair(), "[CLS] a [SEP] b [SEP]");
  const auto enc = p.process_pair({1, 2}, {3}, 512);
  EXPECT_EQ(enc.input_ids, (Ids{101, 1, 2, 102, 3, 102}));
  EXPECT_EQ(enc.token_type_ids, (Ids{0, 0, 0, 0, 1, 1}));
  EXPECT_FALSE(enc.truncated);
  EXPECT_EQ(p.process_single({7}).input_ids, (Ids{101, 7, 102}));
}

TEST(PostProcessor, BertProcessingEqualsTheBertTemplate) {
  const auto bert = read(R"({"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]})");
  const auto tmpl = read(kBertTemplate);
  for (size_t max_length : {3, 4, 5, 6, 7, 20}) {
    const auto x = bert.process_pair({1, 2, 3, 4}, {5, 6, 7}, max_length);
    const auto y = tmpl.process_pair({1, 2, 3, 4}, {5, 6, 7}, max_length);
    EXPECT_EQ(x.input_ids, y.input_ids) << max_length;
    EXPECT_EQ(x.token_type_ids, y.token_type_ids) << max_length;
    EXPECT_EQ(x.truncated, max_length < 10) << max_length;
  }
}

TEST(PostProcessor, RobertaProcessingHasFourSpecialTokensAndTypeIdsZero) {
  const auto p = read(R"({"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                          "trim_offsets": true, "add_prefix_space": true})");
  EXPECT_EQ(p.num_special_tokens_pair(), 4u);
  EXPECT_EQ(p.describe_pair(), "<s> a </s> </s> b </s>");
  const auto enc = p.process_pair({10, 11, 12, 13, 14}, {20, 21, 22}, 9);
  // budget 5: the shorter side (3) keeps all it can only if the longer keeps >= budget - 3; both shrink to 3 / 2.
  const ce::PairLengths keep = ce::longest_first(5, 3, 5);
  EXPECT_EQ(keep.a, 3u);
  EXPECT_EQ(keep.b, 2u);
  EXPECT_EQ(enc.input_ids, (Ids{0, 10, 11, 12, 2, 2, 20, 21, 2}));
  EXPECT_EQ(enc.token_type_ids, Ids(9, 0));
  EXPECT_TRUE(enc.truncated);
}

TEST(PostProcessor, ByteLevelNullAndSequence) {
  for (const char* json : {"null", R"({"type": "ByteLevel", "trim_offsets": true})",
                           R"({"type": "Sequence", "processors": []})"}) {
    const auto p = read(json);
    EXPECT_EQ(p.num_special_tokens_pair(), 0u) << json;
    const auto enc = p.process_pair({1, 2}, {3}, 3);
    EXPECT_EQ(enc.input_ids, (Ids{1, 2, 3})) << json;
    EXPECT_EQ(enc.token_type_ids, (Ids{0, 0, 1})) << json;
  }
  // Llama 3's layout: ByteLevel then a template whose pair template has several ids per special token.
  const auto p = read(R"({"type": "Sequence", "processors": [{"type": "ByteLevel"}, {"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
               {"SpecialToken": {"id": "<bos>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
      "special_tokens": {"<bos>": {"id": "<bos>", "ids": [7, 8], "tokens": ["<b", "os>"]}}}]})");
  EXPECT_EQ(p.num_special_tokens_pair(), 4u);
  const auto enc = p.process_pair({1, 2, 3}, {4, 5}, 6);
  EXPECT_EQ(enc.input_ids, (Ids{7, 8, 1, 7, 8, 4}));
  EXPECT_EQ(enc.token_type_ids, (Ids{0, 0, 0, 1, 1, 1}));
}

TEST(PostProcessor, MaxLengthBelowTheSpecialTokensIsAnError) {
  const auto p = read(R"({"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]})");
  expect_error([&] { p.process_pair({1}, {2}, 3); }, ErrorCode::InvalidArgument,
               {"at least 4", "<s> a </s> </s> b </s>"});
  EXPECT_EQ(p.process_pair({1}, {2}, 4).input_ids, (Ids{0, 2, 2, 2}));
}

TEST(PostProcessor, MalformedProcessorsAreTypedErrors) {
  const auto bad = [](const std::string& json, ErrorCode code, const std::vector<std::string>& parts) {
    SCOPED_TRACE(json);
    expect_error([&] { read(json, 200); }, code, parts);
  };
  bad(R"({"type": "RobertaProcessing", "sep": ["</s>", 2]})", ErrorCode::InvalidTokenizer, {"post_processor.cls"});
  bad(R"({"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 500]})", ErrorCode::InvalidTokenizer,
      {"post_processor.cls[1]", "below 200"});
  bad(R"({"type": "BertProcessing", "sep": ["</s>", -1], "cls": ["<s>", 0]})", ErrorCode::InvalidTokenizer,
      {"post_processor.sep[1]"});
  expect_error([] { read(kBertTemplate, 102); }, ErrorCode::InvalidTokenizer,
               {"special_tokens[\"[SEP]\"].ids[0]", "below 102"});
  bad(R"({"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}],
          "pair": [{"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}})",
      ErrorCode::InvalidTokenizer, {"pair template", "$A and $B"});
  bad(R"({"type": "TemplateProcessing", "single": [{"Sequence": {"id": "C", "type_id": 0}}],
          "pair": [], "special_tokens": {}})", ErrorCode::InvalidTokenizer, {"Sequence other than A or B"});
  bad(R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<x>", "type_id": 0}}],
          "pair": [], "special_tokens": {}})", ErrorCode::InvalidTokenizer, {"'<x>'", "missing from special_tokens"});
  bad(R"({"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": -1}}],
          "pair": [], "special_tokens": {}})", ErrorCode::InvalidTokenizer, {"type_id"});
  bad(R"({"type": "TemplateProcessing", "single": [], "pair": [],
          "special_tokens": {"<x>": {"id": "<x>", "ids": [1, 2], "tokens": ["<x>"]}}})",
      ErrorCode::InvalidTokenizer, {"differ in length"});
  bad(R"({"type": "TemplateProcessing", "single": "$A", "pair": []})", ErrorCode::InvalidTokenizer,
      {"post_processor.single is not an array"});
  bad(R"({"type": "Sequence", "processors": [{"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]},
          {"type": "BertProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]}]})",
      ErrorCode::UnsupportedTokenizer, {"more than one"});
  bad(R"({"type": "Fancy"})", ErrorCode::UnsupportedTokenizer, {"'Fancy'", "RobertaProcessing"});
  bad(R"({"sep": 1})", ErrorCode::InvalidTokenizer, {"no string \"type\""});
}

}  // namespace
