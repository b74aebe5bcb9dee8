// RoBERTa, XLM-R and ELECTRA through the registry: PyTorch goldens (pairs and raw id cases: padding ids inside a
// sequence, thousands of tokens), bitwise batch/thread invariance, tensor names with and without the base-model
// prefix, typed errors for bad configs and tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors_checkpoint.h"
#include "model/config_json.h"
#include "model/registry.h"
#include "model/sequence_parts.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"
#include "tokenizer/tokenizer_files.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::TempDir;
using test::TensorMap;

const fs::path kRoot = CE_SOURCE_DIR;
const std::vector<std::string> kFixtures = {"xlmr-1label-f32", "xlmr-3label-f16", "roberta-1label-bf16",
                                            "electra-1label-f32", "electra-3label-bf16"};

std::unique_ptr<SequenceClassifier> load_dir(const fs::path& dir, const json& config, ThreadPool* pool = nullptr) {
  const std::string source = (dir / "config.json").string();
  const ModelFamily& family = family_for_config(test::to_ce(config), source);
  const auto parsed = family.parse_config(test::to_ce(config), source);
  return family.load(*parsed, SafetensorsCheckpoint::open_model_dir(dir.string()), WeightLoadOptions{pool, false});
}

json read_json(const fs::path& file) {
  return json::parse(read_file_to_string(file.string(), file.filename().string(), 64 << 20));
}

std::unique_ptr<SequenceClassifier> load_fixture(const std::string& name) {
  const fs::path dir = kRoot / "test/fixtures/models" / name;
  return load_dir(dir, read_json(dir / "config.json"));
}

void append(PackedBatch& b, const json& row) {
  const json& ids = row.at("input_ids");
  for (size_t i = 0; i < ids.size(); ++i) {
    b.input_ids.push_back(ids[i].get<int32_t>());
    b.token_type_ids.push_back(row.contains("token_type_ids") ? row["token_type_ids"][i].get<int32_t>() : 0);
  }
  b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
}

PackedBatch batch_of(const json& rows, std::vector<float>& want) {
  PackedBatch b;
  b.seq_offsets.push_back(0);
  for (const json& row : rows) {
    append(b, row);
    for (float v : row.at("logits")) want.push_back(v);
  }
  return b;
}

// Every fixture's golden sample pairs and raw id cases, fast (2 threads) and reference, within 1e-4 of PyTorch.
// The reference kernels (scalar loops) check the pairs and the raw cases up to 512 tokens; the fast ones every
// case, up to 4096 tokens.
TEST(Families, MatchPyTorchGoldens) {
  ThreadPool pool(2);
  for (const std::string& name : kFixtures) {
    SCOPED_TRACE(name);
    const json meta = read_json(kRoot / "test/fixtures/goldens/families" / (name + ".meta.json"));
    const auto model = load_fixture(name);
    EXPECT_EQ(model->info().architecture, meta.at("architecture").get<std::string>());
    EXPECT_EQ(model->info().max_sequence_length, meta.at("max_length").get<size_t>());
    EXPECT_EQ(model->info().labels, meta.at("labels").get<std::vector<std::string>>());
    double worst = 0;
    for (const char* part : {"sample", "raw_cases"}) {
      for (const bool long_rows : {false, true}) {
        json rows = json::array();
        for (const json& row : meta.at(part))
          if ((row.at("input_ids").size() > 512) == long_rows) rows.push_back(row);
        if (rows.empty()) continue;
        std::vector<float> want;
        const PackedBatch b = batch_of(rows, want);
        ASSERT_EQ(want.size(), b.num_sequences() * static_cast<size_t>(model->info().num_labels));
        std::vector<float> fast(want.size()), ref(want.size());
        model->forward(b, fast.data(), &pool);
        if (!long_rows) model->forward_reference(b, ref.data());
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_NEAR(fast[i], want[i], 1e-4) << part << " logit " << i;
          worst = std::max(worst, std::fabs(double(fast[i]) - want[i]));
          if (long_rows) continue;
          EXPECT_NEAR(ref[i], want[i], 1e-4) << part << " logit " << i;
          worst = std::max(worst, std::fabs(double(ref[i]) - want[i]));
        }
      }
    }
    std::printf("%s (%s): max |logit - torch| = %.3g\n", name.c_str(), model->info().family.c_str(), worst);
  }
}

// Each fixture's tokenizer (XLM-R-style Unigram, RoBERTa byte-level BPE, ELECTRA WordPiece) gives the ids
// sentence-transformers fed the model, truncated to the model's max length.
TEST(Families, TokenizerIdsMatchTheGoldens) {
  for (const std::string& name : kFixtures) {
    SCOPED_TRACE(name);
    const json meta = read_json(kRoot / "test/fixtures/goldens/families" / (name + ".meta.json"));
    const auto tokenizer = load_tokenizer((kRoot / "test/fixtures/models" / name).string());
    const size_t max_length = meta.at("max_length").get<size_t>();
    int mismatches = 0;
    for (const json& row : meta.at("sample")) {
      const PairEncoding e = tokenizer->encode_pair(row.at("a").get<std::string>(), row.at("b").get<std::string>(),
                                                    max_length);
      const bool same = e.input_ids == row.at("input_ids").get<std::vector<int32_t>>() &&
                        (!row.contains("token_type_ids") ||
                         e.token_type_ids == row.at("token_type_ids").get<std::vector<int32_t>>());
      mismatches += same ? 0 : 1;
    }
    EXPECT_EQ(mismatches, 0) << "of " << meta.at("sample").size() << " pairs";
  }
}

TEST(Families, InfoNamesFamilyAndArchitecture) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"xlm-roberta", "XLMRobertaForSequenceClassification"}, {"xlm-roberta", "XLMRobertaForSequenceClassification"},
      {"roberta", "RobertaForSequenceClassification"}, {"electra", "ElectraForSequenceClassification"},
      {"electra", "ElectraForSequenceClassification"}};
  for (size_t i = 0; i < kFixtures.size(); ++i) {
    const auto model = load_fixture(kFixtures[i]);
    EXPECT_EQ(model->info().family, expected[i].first) << kFixtures[i];
    EXPECT_EQ(model->info().architecture, expected[i].second) << kFixtures[i];
    EXPECT_EQ(model->info().uses_token_type_ids, expected[i].first == "electra") << kFixtures[i];
  }
}

PackedBatch random_batch(const std::vector<int>& lengths, int32_t vocab, int32_t pad, uint32_t seed) {
  std::mt19937 rng(seed);
  PackedBatch b;
  b.seq_offsets.push_back(0);
  for (int len : lengths) {
    for (int i = 0; i < len; ++i) {
      // Every 7th token is the padding id: RoBERTa's position rule skips it.
      b.input_ids.push_back(rng() % 7 == 0 ? pad : static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab)));
      b.token_type_ids.push_back(i >= len / 2 ? 1 : 0);
    }
    b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
  }
  return b;
}

// Sequence s alone, as a batch of its own.
PackedBatch slice(const PackedBatch& b, size_t s) { return slice_sequences(b, {s, s + 1}); }

TEST(Families, SequenceResultIsBitwiseIndependentOfBatchAndThreads) {
  for (const std::string& name : kFixtures) {
    SCOPED_TRACE(name);
    const auto m = load_fixture(name);
    const size_t labels = static_cast<size_t>(m->info().num_labels);
    const int max_len = static_cast<int>(std::min<size_t>(m->info().max_sequence_length, 64));
    const std::vector<int> lengths = {5, 1, max_len, 17, 8, 8, 23};
    const PackedBatch b = random_batch(lengths, static_cast<int32_t>(m->info().vocab_size), 1, 4);
    std::vector<float> batched(lengths.size() * labels);
    m->forward(b, batched.data(), nullptr);
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      std::vector<float> again(batched.size());
      m->forward(b, again.data(), &pool);
      ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << threads;
      for (size_t s = 0; s < lengths.size(); ++s) {
        std::vector<float> alone(labels);
        m->forward(slice(b, s), alone.data(), &pool);
        ASSERT_EQ(0, std::memcmp(alone.data(), batched.data() + s * labels, labels * sizeof(float))) << s;
      }
    }
  }
}

// RoBERTa ignores token type ids (its tokenizers return none); ELECTRA adds their rows.
TEST(Families, TokenTypesMatterOnlyWhereTheModelReadsThem) {
  for (const std::string& name : {std::string("xlmr-1label-f32"), std::string("electra-1label-f32")}) {
    const auto m = load_fixture(name);
    PackedBatch b = random_batch({12}, 500, 1, 9);
    float with_types = 0, without = 0;
    m->forward(b, &with_types, nullptr);
    std::fill(b.token_type_ids.begin(), b.token_type_ids.end(), 0);
    m->forward(b, &without, nullptr);
    EXPECT_EQ(with_types == without, name == "xlmr-1label-f32") << name;
  }
}

// A tiny random checkpoint of `config` under a family's tensor names, with or without the base-model prefix.
TensorMap random_tensors(const json& config, const std::string& prefix, bool prefixed, uint32_t seed) {
  const int64_t h = config["hidden_size"], inter = config["intermediate_size"], vocab = config["vocab_size"];
  const int64_t e = config.value("embedding_size", h), labels = config.value("num_labels", 2);  // transformers' default
  const int64_t pos = config["max_position_embeddings"], types = config["type_vocab_size"];
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.3f);
  TensorMap t;
  const std::string p = prefixed ? prefix : "";
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float centre = 0) {
    size_t n = 1;
    for (int64_t d : shape) n *= static_cast<size_t>(d);
    std::vector<float> v(n);
    for (float& x : v) x = centre + dist(rng);
    t[name] = {shape, std::move(v)};
  };
  auto linear = [&](const std::string& name, int64_t out, int64_t in) {
    add(name + ".weight", {out, in});
    add(name + ".bias", {out});
  };
  add(p + "embeddings.word_embeddings.weight", {vocab, e});
  add(p + "embeddings.position_embeddings.weight", {pos, e});
  add(p + "embeddings.token_type_embeddings.weight", {types, e});
  add(p + "embeddings.LayerNorm.weight", {e}, 1.0f);
  add(p + "embeddings.LayerNorm.bias", {e});
  if (e != h) linear(p + "embeddings_project", h, e);
  for (int l = 0; l < config["num_hidden_layers"].get<int>(); ++l) {
    const std::string lp = p + "encoder.layer." + std::to_string(l) + ".";
    linear(lp + "attention.self.query", h, h);
    linear(lp + "attention.self.key", h, h);
    linear(lp + "attention.self.value", h, h);
    linear(lp + "attention.output.dense", h, h);
    add(lp + "attention.output.LayerNorm.weight", {h}, 1.0f);
    add(lp + "attention.output.LayerNorm.bias", {h});
    linear(lp + "intermediate.dense", inter, h);
    linear(lp + "output.dense", h, inter);
    add(lp + "output.LayerNorm.weight", {h}, 1.0f);
    add(lp + "output.LayerNorm.bias", {h});
  }
  linear("classifier.dense", h, h);
  linear("classifier.out_proj", labels, h);
  return t;
}

json roberta_config(int positions = 40) {
  return {{"architectures", {"RobertaForSequenceClassification"}}, {"model_type", "roberta"}, {"vocab_size", 60},
          {"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"intermediate_size", 64},
          {"max_position_embeddings", positions}, {"type_vocab_size", 1}, {"pad_token_id", 1},
          {"layer_norm_eps", 1e-5}};
}

json electra_config() {
  return {{"architectures", {"ElectraForSequenceClassification"}}, {"model_type", "electra"}, {"vocab_size", 60},
          {"embedding_size", 16}, {"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
          {"intermediate_size", 64}, {"max_position_embeddings", 40}, {"type_vocab_size", 2}, {"num_labels", 3}};
}

void write_model(const fs::path& dir, const json& config, const TensorMap& tensors) {
  fs::create_directories(dir);
  std::ofstream(dir / "config.json") << config.dump();
  test::write_f32_safetensors(dir / "model.safetensors", tensors);
}

TEST(Families, PrefixedAndBareNamesScoreTheSame) {
  for (const auto& [config, prefix] : {std::pair{roberta_config(), std::string("roberta.")},
                                       std::pair{electra_config(), std::string("electra.")}}) {
    TempDir dir;
    write_model(dir.path() / "a", config, random_tensors(config, prefix, true, 3));
    write_model(dir.path() / "b", config, random_tensors(config, prefix, false, 3));
    const auto a = load_dir(dir.path() / "a", config), b = load_dir(dir.path() / "b", config);
    const PackedBatch batch = random_batch({9, 30}, 60, 1, 2);
    const size_t n = 2 * static_cast<size_t>(a->info().num_labels);
    std::vector<float> la(n), lb(n);
    a->forward(batch, la.data(), nullptr);
    b->forward(batch, lb.data(), nullptr);
    EXPECT_EQ(0, std::memcmp(la.data(), lb.data(), n * sizeof(float))) << prefix;
  }
}

void expect_load_error(const json& config, TensorMap tensors, ErrorCode code, const std::vector<std::string>& parts) {
  TempDir dir;
  write_model(dir.path(), config, tensors);
  test::expect_error([&] { load_dir(dir.path(), config); }, code, parts);
}

TEST(Families, MissingOrMisshapenTensorsAreNamed) {
  const json rc = roberta_config();
  TensorMap t = random_tensors(rc, "roberta.", true, 5);
  t.erase("classifier.out_proj.weight");
  expect_load_error(rc, t, ErrorCode::MissingTensor, {"classifier.out_proj.weight"});
  t = random_tensors(rc, "roberta.", true, 5);
  t.erase("roberta.encoder.layer.1.output.dense.bias");
  expect_load_error(rc, t, ErrorCode::MissingTensor, {"roberta.encoder.layer.1.output.dense.bias"});
  json wider = rc;
  wider["intermediate_size"] = 48;  // the file has 64
  expect_load_error(wider, random_tensors(rc, "roberta.", true, 5), ErrorCode::InvalidSafetensors,
                    {"intermediate.dense.weight"});
  json more_positions = rc;
  more_positions["max_position_embeddings"] = 41;
  expect_load_error(more_positions, random_tensors(rc, "roberta.", true, 5), ErrorCode::InvalidSafetensors,
                    {"position_embeddings"});
  const json ec = electra_config();
  t = random_tensors(ec, "electra.", true, 6);
  t.erase("electra.embeddings_project.weight");
  expect_load_error(ec, t, ErrorCode::MissingTensor, {"embeddings_project.weight"});
  json square = ec;
  square["embedding_size"] = 32;  // the file's embeddings are 16 wide
  expect_load_error(square, random_tensors(ec, "electra.", true, 6), ErrorCode::InvalidSafetensors,
                    {"word_embeddings"});
}

void expect_config_error(const json& config, ErrorCode code, const std::vector<std::string>& parts) {
  test::expect_error(
      [&] {
        const ModelFamily& f = family_for_config(test::to_ce(config), "config.json");
        f.parse_config(test::to_ce(config), "config.json");
      },
      code, parts);
}

TEST(Families, ConfigsAreValidated) {
  json c = roberta_config();
  c["position_embedding_type"] = "relative_key";
  expect_config_error(c, ErrorCode::UnsupportedArchitecture, {"position_embedding_type", "relative_key"});
  c = roberta_config();
  c["pad_token_id"] = 60;
  expect_config_error(c, ErrorCode::InvalidConfig, {"pad_token_id", "vocab_size"});
  c = roberta_config();
  c["pad_token_id"] = nullptr;
  expect_config_error(c, ErrorCode::InvalidConfig, {"pad_token_id"});
  c = roberta_config(2);
  expect_config_error(c, ErrorCode::InvalidConfig, {"max_position_embeddings", "pad_token_id + 1"});
  c = roberta_config();
  c["hidden_act"] = "swish";
  expect_config_error(c, ErrorCode::UnsupportedArchitecture, {"hidden_act", "swish"});
  json e = electra_config();
  e["embedding_size"] = 0;
  expect_config_error(e, ErrorCode::InvalidConfig, {"embedding_size"});
  e = electra_config();
  e["num_attention_heads"] = 5;
  expect_config_error(e, ErrorCode::InvalidConfig, {"hidden_size", "num_attention_heads"});
}

TEST(Families, ModelTypeAloneAndDefaultsFollowTransformers) {
  struct Case {
    const char* model_type;
    const char* architecture;
    size_t max_length;  // with every other key at transformers' default
    size_t vocab;
  };
  for (const Case& k : {Case{"roberta", "RobertaForSequenceClassification", 510, 50265},
                        Case{"xlm-roberta", "XLMRobertaForSequenceClassification", 510, 30522},
                        Case{"electra", "ElectraForSequenceClassification", 512, 30522}}) {
    const json c = {{"model_type", k.model_type}};
    const ModelFamily& f = family_for_config(test::to_ce(c), "config.json");
    const auto parsed = f.parse_config(test::to_ce(c), "config.json");
    EXPECT_EQ(parsed->info.architecture, k.architecture);
    // RoBERTa positions start after padding_idx 1: 512 - 2 tokens fit the default table.
    EXPECT_EQ(parsed->info.max_sequence_length, k.max_length) << k.model_type;
    EXPECT_EQ(parsed->info.vocab_size, k.vocab) << k.model_type;
  }
  // roberta-base's own config: 514 positions, pad 1 -> 512 tokens.
  const json base = {{"architectures", {"RobertaForSequenceClassification"}}, {"model_type", "roberta"},
                     {"max_position_embeddings", 514}, {"type_vocab_size", 1}, {"pad_token_id", 1}};
  EXPECT_EQ(family_for_config(test::to_ce(base), "c").parse_config(test::to_ce(base), "c")->info.max_sequence_length, 512u);
}

TEST(Families, BatchesBeyondThePositionLimitAreRejected) {
  const json rc = roberta_config();
  TempDir dir;
  write_model(dir.path(), rc, random_tensors(rc, "roberta.", true, 8));
  const auto m = load_dir(dir.path(), rc);
  EXPECT_EQ(m->info().max_sequence_length, 38u);  // 40 positions - padding offset 2
  std::vector<float> out(static_cast<size_t>(m->info().num_labels));
  EXPECT_NO_THROW(m->forward(random_batch({38}, 60, 1, 1), out.data(), nullptr));
  test::expect_error([&] { m->forward(random_batch({39}, 60, 1, 1), out.data(), nullptr); },
                     ErrorCode::InvalidArgument, {"39 tokens"});
}

}  // namespace
}  // namespace ce
