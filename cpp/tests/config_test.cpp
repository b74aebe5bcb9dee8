// Tests parse_bert_config on inline config.json texts: good configs, label handling, and each rejection.
#include "model/bert/bert_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "common/error.h"
#include "common/file_io.h"
#include "tests/test_support.h"

namespace {

// A complete, valid cross-encoder config (MiniLM-L6 shape); tests splice keys into it.
std::string config_with(const std::string& extra_keys, const std::string& base_overrides = "") {
  std::string base = R"("architectures": ["BertForSequenceClassification"], "model_type": "bert",
    "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12, "intermediate_size": 1536,
    "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
    "hidden_act": "gelu")";
  if (!base_overrides.empty()) base = base_overrides;
  return "{" + base + (extra_keys.empty() ? "" : ", " + extra_keys) + "}";
}

using ce::test::expect_error;

void expect_config_error(const std::string& json, ce::ErrorCode code, const std::vector<std::string>& parts) {
  expect_error([&] { ce::parse_bert_config(json, "test/config.json"); }, code, parts);
}

TEST(BertConfig, ParsesGoodConfig) {
  const auto cfg = ce::parse_bert_config(config_with(R"("id2label": {"0": "LABEL_0"})"), "cfg");
  EXPECT_EQ(cfg.architecture, "BertForSequenceClassification");
  EXPECT_EQ(cfg.hidden_size, 384);
  EXPECT_EQ(cfg.num_hidden_layers, 6);
  EXPECT_EQ(cfg.num_attention_heads, 12);
  EXPECT_EQ(cfg.intermediate_size, 1536);
  EXPECT_EQ(cfg.vocab_size, 30522);
  EXPECT_EQ(cfg.max_position_embeddings, 512);
  EXPECT_EQ(cfg.type_vocab_size, 2);
  EXPECT_FLOAT_EQ(cfg.layer_norm_eps, 1e-12f);
  EXPECT_EQ(cfg.hidden_act, ce::HiddenActivation::GeluErf);
  EXPECT_EQ(cfg.num_labels, 1);
  EXPECT_EQ(cfg.labels, std::vector<std::string>{"LABEL_0"});
  EXPECT_EQ(cfg.st_activation_fn, "");
}

TEST(BertConfig, ParsesSharedDemoModelConfig) {
  // CI keeps the shared models next to the repository.
  const std::string path = CE_SOURCE_DIR "/../shared/models/debian-packages-mini/config.json";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " not present";
  const auto cfg = ce::parse_bert_config(ce::read_file_to_string(path, "config.json"), path);
  EXPECT_EQ(cfg.hidden_size, 128);
  EXPECT_EQ(cfg.num_hidden_layers, 4);
  EXPECT_EQ(cfg.num_attention_heads, 4);
  EXPECT_EQ(cfg.max_position_embeddings, 256);
  EXPECT_EQ(cfg.num_labels, 1);
  EXPECT_EQ(cfg.st_activation_fn, "torch.nn.modules.activation.Sigmoid");
}

TEST(BertConfig, DefaultsFollowTransformersBertConfig) {
  const auto cfg = ce::parse_bert_config(R"({"model_type": "bert"})", "cfg");
  EXPECT_EQ(cfg.architecture, "BertForSequenceClassification");
  EXPECT_EQ(cfg.hidden_size, 768);
  EXPECT_EQ(cfg.num_hidden_layers, 12);
  EXPECT_EQ(cfg.num_attention_heads, 12);
  EXPECT_EQ(cfg.intermediate_size, 3072);
  EXPECT_EQ(cfg.vocab_size, 30522);
  EXPECT_EQ(cfg.max_position_embeddings, 512);
  EXPECT_EQ(cfg.type_vocab_size, 2);
  EXPECT_EQ(cfg.hidden_act, ce::HiddenActivation::GeluErf);
  // PretrainedConfig's default (save_pretrained writes no id2label for it): two labels.
  EXPECT_EQ(cfg.num_labels, 2);
  EXPECT_EQ(cfg.labels, (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
}

TEST(BertConfig, HiddenActivations) {
  auto act = [](const std::string& name) {
    std::string base = R"("model_type": "bert", "hidden_act": ")" + name + "\"";
    return ce::parse_bert_config(config_with("", base), "cfg").hidden_act;
  };
  EXPECT_EQ(act("gelu"), ce::HiddenActivation::GeluErf);
  EXPECT_EQ(act("gelu_new"), ce::HiddenActivation::GeluTanh);
  EXPECT_EQ(act("gelu_pytorch_tanh"), ce::HiddenActivation::GeluTanh);
  EXPECT_EQ(act("relu"), ce::HiddenActivation::Relu);
  expect_config_error(config_with("", R"("model_type": "bert", "hidden_act": "silu")"),
                      ce::ErrorCode::UnsupportedArchitecture, {"test/config.json", "hidden_act", "silu"});
  expect_config_error(config_with("", R"("model_type": "bert", "hidden_act": 3)"), ce::ErrorCode::InvalidConfig,
                      {"hidden_act"});
}

TEST(BertConfig, Id2LabelOrderAndNumLabels) {
  // Keys out of order and multi-digit: "10" must land at index 10, not after "1" lexicographically.
  std::string id2label = R"("id2label": {)";
  for (int i = 11; i >= 0; --i) id2label += "\"" + std::to_string(i) + "\": \"L" + std::to_string(i) + "\"" + (i ? "," : "");
  id2label += "}, \"num_labels\": 3";  // id2label wins over a disagreeing num_labels, as in transformers
  const auto cfg = ce::parse_bert_config(config_with(id2label), "cfg");
  ASSERT_EQ(cfg.num_labels, 12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(cfg.labels[i], "L" + std::to_string(i));

  const auto three = ce::parse_bert_config(config_with(R"("num_labels": 3)"), "cfg");
  EXPECT_EQ(three.num_labels, 3);
  EXPECT_EQ(three.labels, (std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"}));

  const auto named = ce::parse_bert_config(
      config_with(R"("id2label": {"1": "entailment", "0": "contradiction", "2": "neutral"})"), "cfg");
  EXPECT_EQ(named.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
}

TEST(BertConfig, BadId2Label) {
  const auto code = ce::ErrorCode::InvalidConfig;
  expect_config_error(config_with(R"("id2label": {"0": "a", "2": "b"})"), code, {"id2label", "\"2\""});
  expect_config_error(config_with(R"("id2label": {"0": "a", "01": "b"})"), code, {"id2label", "\"01\""});
  expect_config_error(config_with(R"("id2label": {"x": "a"})"), code, {"id2label", "\"x\""});
  expect_config_error(config_with(R"("id2label": {"-1": "a"})"), code, {"id2label"});
  expect_config_error(config_with(R"("id2label": {"0": 5})"), code, {"id2label", "must be a string"});
  expect_config_error(config_with(R"("id2label": {})"), code, {"id2label", "empty"});
  expect_config_error(config_with(R"("id2label": ["a"])"), code, {"id2label", "object"});
  expect_config_error(config_with(R"("num_labels": 0)"), code, {"num_labels"});
  expect_config_error(config_with(R"("num_labels": "2")"), code, {"num_labels"});
}

TEST(BertConfig, SentenceTransformersActivationKeys) {
  const auto newer = ce::parse_bert_config(
      config_with(R"("sentence_transformers": {"activation_fn": "torch.nn.modules.activation.Sigmoid"})"), "cfg");
  EXPECT_EQ(newer.st_activation_fn, "torch.nn.modules.activation.Sigmoid");
  const auto legacy = ce::parse_bert_config(
      config_with(R"("sbert_ce_default_activation_function": "torch.nn.modules.linear.Identity")"), "cfg");
  EXPECT_EQ(legacy.st_activation_fn, "torch.nn.modules.linear.Identity");
  const auto both = ce::parse_bert_config(
      config_with(R"("sentence_transformers": {"activation_fn": "torch.nn.modules.activation.Sigmoid"},
                     "sbert_ce_default_activation_function": "torch.nn.modules.linear.Identity")"),
      "cfg");
  EXPECT_EQ(both.st_activation_fn, "torch.nn.modules.activation.Sigmoid");
  // A sentence_transformers block without activation_fn falls back to the legacy key.
  const auto fallback = ce::parse_bert_config(
      config_with(R"("sentence_transformers": {"version": "5.0.0"},
                     "sbert_ce_default_activation_function": "torch.nn.modules.linear.Identity")"),
      "cfg");
  EXPECT_EQ(fallback.st_activation_fn, "torch.nn.modules.linear.Identity");
  const auto null_legacy = ce::parse_bert_config(config_with(R"("sbert_ce_default_activation_function": null)"), "cfg");
  EXPECT_EQ(null_legacy.st_activation_fn, "");
  expect_config_error(config_with(R"("sentence_transformers": {"activation_fn": 1})"), ce::ErrorCode::InvalidConfig,
                      {"sentence_transformers.activation_fn"});
  expect_config_error(config_with(R"("sentence_transformers": "x")"), ce::ErrorCode::InvalidConfig,
                      {"sentence_transformers"});
  expect_config_error(config_with(R"("sbert_ce_default_activation_function": 2)"), ce::ErrorCode::InvalidConfig,
                      {"sbert_ce_default_activation_function"});
}

TEST(BertConfig, Architectures) {
  const auto unsupported = ce::ErrorCode::UnsupportedArchitecture;
  expect_config_error(config_with("", R"("model_type": "bert", "architectures": ["RobertaForSequenceClassification"])"),
                      unsupported,
                      {"RobertaForSequenceClassification is not supported; supported: BertForSequenceClassification"});
  expect_config_error(config_with("", R"("model_type": "bert", "architectures": ["BertModel"])"), unsupported,
                      {"BertModel"});
  // Any listed entry may be the one we run.
  EXPECT_NO_THROW(ce::parse_bert_config(
      config_with("", R"("model_type": "bert", "architectures": ["X", "BertForSequenceClassification"])"), "cfg"));
  expect_config_error(config_with("", R"("model_type": "bert", "architectures": "BertForSequenceClassification")"),
                      ce::ErrorCode::InvalidConfig, {"architectures"});
  expect_config_error(config_with("", R"("model_type": "bert", "architectures": [])"), ce::ErrorCode::InvalidConfig,
                      {"architectures"});
  expect_config_error(config_with("", R"("model_type": "bert", "architectures": [1])"), ce::ErrorCode::InvalidConfig,
                      {"architectures"});
  expect_config_error(config_with("", R"("model_type": "roberta")"), unsupported, {"model_type", "roberta"});
  // A whole RoBERTa config is reported by its class name.
  expect_config_error(
      config_with("", R"("model_type": "roberta", "architectures": ["RobertaForSequenceClassification"])"),
      unsupported, {"RobertaForSequenceClassification is not supported"});
  expect_config_error(config_with("", R"("hidden_size": 8)"), ce::ErrorCode::InvalidConfig, {"model_type"});
  expect_config_error(config_with("", R"("model_type": 1)"), ce::ErrorCode::InvalidConfig, {"model_type"});
}

TEST(BertConfig, PositionEmbeddingType) {
  EXPECT_NO_THROW(ce::parse_bert_config(config_with(R"("position_embedding_type": "absolute")"), "cfg"));
  expect_config_error(config_with(R"("position_embedding_type": "relative_key")"),
                      ce::ErrorCode::UnsupportedArchitecture, {"position_embedding_type", "relative_key"});
}

TEST(BertConfig, BadSizes) {
  const auto code = ce::ErrorCode::InvalidConfig;
  auto with = [](const std::string& kv) { return config_with("", R"("model_type": "bert", )" + kv); };
  for (const char* key : {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                          "intermediate_size", "max_position_embeddings", "type_vocab_size"}) {
    const std::string k = std::string("\"") + key + "\": ";
    expect_config_error(with(k + "0"), code, {key, "positive"});
    expect_config_error(with(k + "-4"), code, {key});
    expect_config_error(with(k + "12.5"), code, {key, "integer"});
    expect_config_error(with(k + "\"12\""), code, {key});
    expect_config_error(with(k + "null"), code, {key});
    expect_config_error(with(k + "18446744073709551615"), code, {key, "limit"});
  }
  expect_config_error(with(R"("hidden_size": 65537, "num_attention_heads": 1)"), code, {"hidden_size", "limit"});
  expect_config_error(with(R"("num_hidden_layers": 1025)"), code, {"num_hidden_layers", "limit"});
  expect_config_error(with(R"("vocab_size": 10000001)"), code, {"vocab_size", "limit"});
  expect_config_error(with(R"("max_position_embeddings": 1000001)"), code, {"max_position_embeddings", "limit"});
  expect_config_error(with(R"("hidden_size": 100, "num_attention_heads": 12)"), code,
                      {"hidden_size", "num_attention_heads", "100", "12"});
  EXPECT_NO_THROW(ce::parse_bert_config(with(R"("hidden_size": 65536, "num_attention_heads": 1)"), "cfg"));
}

TEST(BertConfig, LayerNormEps) {
  auto with = [](const std::string& v) { return config_with("", R"("model_type": "bert", "layer_norm_eps": )" + v); };
  EXPECT_FLOAT_EQ(ce::parse_bert_config(with("1e-5"), "cfg").layer_norm_eps, 1e-5f);
  EXPECT_FLOAT_EQ(ce::parse_bert_config(with("1e-7"), "cfg").layer_norm_eps, 1e-7f);
}

TEST(BertConfig, LayerNormEpsRejected) {
  const auto code = ce::ErrorCode::InvalidConfig;
  auto with = [](const std::string& v) { return config_with("", R"("model_type": "bert", "layer_norm_eps": )" + v); };
  for (const char* bad : {"0", "-1e-12", "\"1e-12\"", "1e-60", "null", "2.0", "1"}) {
    expect_config_error(with(bad), code, {"layer_norm_eps"});
  }
}

TEST(BertConfig, MalformedJson) {
  expect_config_error("{\"model_type\": ", ce::ErrorCode::InvalidConfig, {"test/config.json", "not valid JSON"});
  expect_config_error("", ce::ErrorCode::InvalidConfig, {"test/config.json"});
  expect_config_error("[1, 2]", ce::ErrorCode::InvalidConfig, {"test/config.json", "object"});
}

TEST(FileIo, ReadsFilesAndReportsMissingOrUnreadable) {
  namespace fs = std::filesystem;
  const ce::test::TempDir scratch;
  const fs::path& dir = scratch.path();
  const std::string path = (dir / "a.json").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"k\": 1}", f);
    std::fclose(f);
  }
  EXPECT_EQ(ce::read_file_to_string(path, "config.json"), "{\"k\": 1}");
  expect_error([&] { ce::read_file_to_string(path, "config.json", 3); }, ce::ErrorCode::FileUnreadable, {path, "limit"});
  expect_error([&] { ce::read_file_to_string((dir / "nope.json").string(), "config.json"); },
               ce::ErrorCode::FileNotFound, {"config.json", "nope.json"});
  expect_error([&] { ce::read_file_to_string(dir.string(), "config.json"); }, ce::ErrorCode::FileUnreadable,
               {dir.string()});
  const std::string fifo = (dir / "fifo.json").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_error([&] { ce::read_file_to_string(fifo, "config.json"); }, ce::ErrorCode::FileUnreadable,
               {fifo, "not a regular file"});
}

}  // namespace
