// ModernBERT family tests: config parsing, weight loading, fast vs reference, batch/thread invariance, the sliding
// window, long inputs, and PyTorch goldens (test/fixtures/goldens-modernbert, made by
// tools/reference/make_modernbert_fixtures.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/cross_encoder.h"
#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors_checkpoint.h"
#include "model/config_json.h"
#include "model/modernbert/modernbert_config.h"
#include "model/modernbert/modernbert_model.h"
#include "model/modernbert/modernbert_tensors.h"
#include "model/registry.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::TensorMap;

ModernBertConfig tiny_config(SequencePooling pooling, bool biases = false) {
  ModernBertConfig c;
  c.vocab_size = 60;
  c.hidden_size = 32;
  c.intermediate_size = 40;
  c.num_hidden_layers = 4;
  c.num_attention_heads = 2;
  c.max_position_embeddings = 5000;
  c.local_attention = 16;  // window 8
  c.global_layers = {true, false, false, true};
  c.classifier_pooling = pooling;
  c.norm_bias = c.attention_bias = c.mlp_bias = c.classifier_bias = biases;
  c.num_labels = 3;
  c.labels = {"a", "b", "c"};
  return c;
}

// Normal(0, 0.3) values for every tensor of the table (norm weights centred on 1).
TensorMap random_tensors(const ModernBertConfig& c, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.3f);
  TensorMap t;
  for (const auto& spec : modernbert_tensors::all(c)) {
    size_t n = 1;
    for (int64_t d : spec.shape) n *= static_cast<size_t>(d);
    const bool norm_weight = spec.name.find("norm.weight") != std::string::npos;
    std::vector<float> v(n);
    for (auto& x : v) x = (norm_weight ? 1.0f : 0.0f) + dist(rng);
    t[spec.name] = {spec.shape, std::move(v)};
  }
  return t;
}

std::unique_ptr<ModernBertModel> model_from(const TensorMap& tensors, const ModernBertConfig& c) {
  TempDir dir;
  test::write_f32_safetensors(dir.path() / "model.safetensors", tensors);
  return std::make_unique<ModernBertModel>(
      c, load_modernbert_weights(SafetensorsCheckpoint::open_file((dir.path() / "model.safetensors").string()), c));
}

std::unique_ptr<ModernBertModel> tiny_model(const ModernBertConfig& c, uint32_t seed = 1) {
  return model_from(random_tensors(c, seed), c);
}

PackedBatch random_batch(const ModernBertConfig& c, const std::vector<int>& lengths, uint32_t seed) {
  std::mt19937 rng(seed);
  PackedBatch b;
  b.seq_offsets.push_back(0);
  for (int len : lengths) {
    for (int i = 0; i < len; ++i) {
      b.input_ids.push_back(static_cast<int32_t>(rng() % c.vocab_size));
      b.token_type_ids.push_back(i >= len / 2 ? 1 : 0);  // ignored by ModernBERT
    }
    b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
  }
  return b;
}

PackedBatch slice(const PackedBatch& b, size_t s) {
  PackedBatch one;
  one.input_ids.assign(b.input_ids.begin() + b.seq_offsets[s], b.input_ids.begin() + b.seq_offsets[s + 1]);
  one.token_type_ids.assign(b.token_type_ids.begin() + b.seq_offsets[s],
                            b.token_type_ids.begin() + b.seq_offsets[s + 1]);
  one.seq_offsets = {0, b.seq_offsets[s + 1] - b.seq_offsets[s]};
  return one;
}

std::vector<float> run_fast(const SequenceClassifier& m, const PackedBatch& b, ThreadPool* pool) {
  std::vector<float> out(b.num_sequences() * static_cast<size_t>(m.info().num_labels));
  m.forward(b, out.data(), pool);
  return out;
}

std::vector<float> run_reference(const SequenceClassifier& m, const PackedBatch& b) {
  std::vector<float> out(b.num_sequences() * static_cast<size_t>(m.info().num_labels));
  m.forward_reference(b, out.data());
  return out;
}

// ---- Forward pass ----------------------------------------------------------------------------------------------

TEST(ModernBertModel, FastMatchesReference) {
  for (SequencePooling pooling : {SequencePooling::First, SequencePooling::Mean}) {
    for (bool biases : {false, true}) {
      for (HiddenActivation act : {HiddenActivation::GeluErf, HiddenActivation::GeluTanh}) {
        SCOPED_TRACE(std::string(pooling == SequencePooling::First ? "cls" : "mean") + (biases ? " biases" : ""));
        ModernBertConfig c = tiny_config(pooling, biases);
        c.hidden_activation = act;
        const auto m = tiny_model(c);
        const PackedBatch b = random_batch(c, {1, 2, 7, 40, 13, 3, 100}, 3);
        ThreadPool pool(2);
        const auto fast = run_fast(*m, b, &pool), ref = run_reference(*m, b);
        for (size_t i = 0; i < fast.size(); ++i)
          EXPECT_NEAR(fast[i], ref[i], 1e-4 * std::max(1.0f, std::fabs(ref[i]))) << i;
        EXPECT_GT(std::fabs(ref[0] - ref[3]) + std::fabs(ref[1] - ref[4]), 1e-3);  // not degenerate
      }
    }
  }
}

TEST(ModernBertModel, SequenceResultIsBitwiseIndependentOfBatchAndThreads) {
  for (SequencePooling pooling : {SequencePooling::First, SequencePooling::Mean}) {
    const ModernBertConfig c = tiny_config(pooling);
    const auto m = tiny_model(c);
    const std::vector<int> lengths = {5, 1, 60, 17, 9, 9, 33};
    const PackedBatch b = random_batch(c, lengths, 4);
    const auto batched = run_fast(*m, b, nullptr);
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      const auto again = run_fast(*m, b, &pool);
      ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << threads;
      for (size_t s = 0; s < lengths.size(); ++s) {
        const auto alone = run_fast(*m, slice(b, s), &pool);
        ASSERT_EQ(0, std::memcmp(alone.data(), batched.data() + s * 3, 3 * sizeof(float))) << "sequence " << s;
      }
    }
    // Reused scratch (stale values in its buffers) changes nothing.
    ThreadPool pool(2);
    std::unique_ptr<ForwardScratch> scratch = m->take_scratch();
    for (int round = 0; round < 2; ++round) {
      for (size_t s = 0; s < lengths.size(); ++s) {
        float alone[3];
        m->forward(slice(b, s), alone, &pool, scratch.get());
        ASSERT_EQ(0, std::memcmp(alone, batched.data() + s * 3, sizeof(alone))) << "sequence " << s;
      }
      m->return_scratch(std::move(scratch));
      scratch = m->take_scratch();
    }
  }
}

TEST(ModernBertModel, SlidingWindowOnlyMattersPastTheWindow) {
  ModernBertConfig local = tiny_config(SequencePooling::Mean);
  local.local_rope_theta = local.global_rope_theta;  // the layer types then differ only in the window
  ModernBertConfig global = local;
  global.global_layers.assign(4, true);
  const TensorMap tensors = random_tensors(local, 5);
  const auto m_local = model_from(tensors, local), m_global = model_from(tensors, global);
  // 9 tokens: every pair is within the window (|i - j| <= 8), so the window masks nothing: the same bits.
  const PackedBatch short_batch = random_batch(local, {9, 4}, 6);
  for (bool reference : {false, true}) {
    const auto a = reference ? run_reference(*m_local, short_batch) : run_fast(*m_local, short_batch, nullptr);
    const auto b = reference ? run_reference(*m_global, short_batch) : run_fast(*m_global, short_batch, nullptr);
    ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << reference;
  }
  const PackedBatch long_batch = random_batch(local, {10, 80}, 7);
  const auto a = run_reference(*m_local, long_batch), b = run_reference(*m_global, long_batch);
  double diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::fabs(double(a[i]) - b[i]));
  EXPECT_GT(diff, 1e-3);
}

TEST(ModernBertModel, TokenTypesAreIgnoredAndPositionsRestartPerSequence) {
  const ModernBertConfig c = tiny_config(SequencePooling::First);
  const auto m = tiny_model(c);
  PackedBatch one = random_batch(c, {21}, 8), two = one;
  two.input_ids.insert(two.input_ids.end(), one.input_ids.begin(), one.input_ids.end());
  for (size_t i = 0; i < one.input_ids.size(); ++i) two.token_type_ids.push_back(static_cast<int32_t>(i % 5));
  two.seq_offsets = {0, 21, 42};
  const auto ref = run_reference(*m, two);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ref[i], ref[3 + i]);
}

// 1050 and 4200 tokens (ModernBERT accepts up to 8192): the fast pass agrees with the reference, and the forward
// scratch grows linearly with the tokens (attention never holds an n x n matrix).
TEST(ModernBertModel, LongInputsRunInLinearScratch) {
  ModernBertConfig c = tiny_config(SequencePooling::Mean);
  c.num_hidden_layers = 2;
  c.global_layers = {false, true};
  const auto m = tiny_model(c, 9);
  ThreadPool pool(2);
  size_t scratch_floats[2] = {0, 0};
  const int lengths[2] = {1050, 4200};
  for (int i = 0; i < 2; ++i) {
    const PackedBatch b = random_batch(c, {lengths[i]}, 10 + i);
    std::unique_ptr<ForwardScratch> scratch = m->take_scratch();
    std::vector<float> fast(3);
    m->forward(b, fast.data(), &pool, scratch.get());
    for (size_t s = 0; s < ForwardScratch::kSlots; ++s) scratch_floats[i] += scratch->slot(s).size;
    m->return_scratch(std::move(scratch));
    if (i == 0) {  // the scalar reference attention takes seconds at 4200 tokens: the goldens cover that length
      const auto ref = run_reference(*m, b);
      for (size_t j = 0; j < 3; ++j) EXPECT_NEAR(fast[j], ref[j], 1e-4 * std::max(1.0f, std::fabs(ref[j])));
    }
  }
  EXPECT_LE(scratch_floats[1], scratch_floats[0] * 4.5) << scratch_floats[0] << " -> " << scratch_floats[1];
}

TEST(ModernBertModel, RejectsInvalidBatches) {
  const ModernBertConfig c = tiny_config(SequencePooling::First);
  const auto m = tiny_model(c);
  std::vector<float> out(16);
  PackedBatch b = random_batch(c, {3, 4}, 11);
  b.input_ids[2] = c.vocab_size;
  test::expect_error([&] { m->forward(b, out.data(), nullptr); }, ErrorCode::InvalidArgument, {"input_ids[2]"});
  b = random_batch(c, {2, c.max_position_embeddings + 1}, 12);
  test::expect_error([&] { m->forward(b, out.data(), nullptr); }, ErrorCode::InvalidArgument, {"sequence 1"});
  b = random_batch(c, {3}, 13);
  b.token_type_ids[1] = -1;
  test::expect_error([&] { m->forward(b, out.data(), nullptr); }, ErrorCode::InvalidArgument, {"token_type_ids[1]"});
}

// ---- Weights ---------------------------------------------------------------------------------------------------

TEST(ModernBertWeights, BarePrefixAndExtraTensorsLoad) {
  const ModernBertConfig c = tiny_config(SequencePooling::First);
  const TensorMap full = random_tensors(c, 14);
  TensorMap bare;
  for (const auto& [name, tv] : full) bare[name.rfind("model.", 0) == 0 ? name.substr(6) : name] = tv;
  bare["model.extra.weight"] = {{2}, {1.0f, 2.0f}};
  const PackedBatch b = random_batch(c, {12, 30}, 15);
  const auto a = run_fast(*model_from(full, c), b, nullptr), z = run_fast(*model_from(bare, c), b, nullptr);
  ASSERT_EQ(0, std::memcmp(a.data(), z.data(), a.size() * sizeof(float)));
}

TEST(ModernBertWeights, MissingAndMisshapenTensorsAreNamed) {
  const ModernBertConfig c = tiny_config(SequencePooling::First, /*biases=*/true);
  TensorMap t = random_tensors(c, 16);
  t.erase("model.layers.2.attn_norm.bias");
  test::expect_error([&] { model_from(t, c); }, ErrorCode::MissingTensor, {"model.layers.2.attn_norm.bias"});
  t = random_tensors(c, 16);
  t["model.layers.1.attn.Wqkv.weight"].first = {32, 96};
  test::expect_error([&] { model_from(t, c); }, ErrorCode::InvalidSafetensors, {"model.layers.1.attn.Wqkv.weight"});
  t = random_tensors(c, 16);
  t.erase("classifier.bias");
  test::expect_error([&] { model_from(t, c); }, ErrorCode::MissingTensor, {"classifier.bias"});
  // Biases the config turns off need not exist; layer 0 has no attn_norm.
  const ModernBertConfig plain = tiny_config(SequencePooling::First, false);
  for (const auto& spec : modernbert_tensors::all(plain)) {
    EXPECT_EQ(spec.name.find(".bias"), spec.name == "classifier.bias" ? 10u : std::string::npos) << spec.name;
    EXPECT_EQ(spec.name.find("layers.0.attn_norm"), std::string::npos) << spec.name;
  }
}

// ---- Config ----------------------------------------------------------------------------------------------------

ModernBertConfig parse(const std::string& text) {
  return modernbert_config_from_json(parse_config_json(text, "config.json"), "config.json");
}

TEST(ModernBertConfig, DefaultsFollowTransformers) {
  const ModernBertConfig c = parse(R"({"model_type": "modernbert", "num_hidden_layers": 7})");
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.intermediate_size, 1152);
  EXPECT_EQ(c.max_position_embeddings, 8192);
  EXPECT_EQ(c.local_attention, 128);
  EXPECT_EQ(c.attention_window(), 64u);
  EXPECT_EQ(c.global_layers, std::vector<bool>({true, false, false, true, false, false, true}));
  EXPECT_EQ(c.global_rope_theta, 160000.0);
  EXPECT_EQ(c.local_rope_theta, 10000.0);
  EXPECT_FLOAT_EQ(c.norm_eps, 1e-5f);
  EXPECT_FALSE(c.norm_bias || c.attention_bias || c.mlp_bias || c.classifier_bias);
  EXPECT_EQ(c.classifier_pooling, SequencePooling::First);
  EXPECT_EQ(c.hidden_activation, HiddenActivation::GeluErf);
  EXPECT_EQ(c.classifier_activation, HeadActivation::GeluErf);
  // PretrainedConfig's default: 2 labels (save_pretrained writes no id2label for it).
  EXPECT_EQ(c.labels, std::vector<std::string>({"LABEL_0", "LABEL_1"}));
}

TEST(ModernBertConfig, ReadsLegacyAndCurrentForms) {
  // gte-reranker-modernbert-base's (transformers 4.48) form: global_attn_every_n_layers, *_rope_theta.
  ModernBertConfig c = parse(R"({"model_type": "modernbert", "num_hidden_layers": 4, "global_attn_every_n_layers": 2,
      "global_rope_theta": 80000.0, "local_rope_theta": 500.0, "classifier_pooling": "mean", "norm_bias": true,
      "hidden_activation": "gelu_pytorch_tanh", "classifier_activation": "relu", "norm_eps": 1e-6,
      "id2label": {"1": "yes", "0": "no"},
      "sentence_transformers": {"activation_fn": "torch.nn.modules.linear.Identity"}})");
  EXPECT_EQ(c.global_layers, std::vector<bool>({true, false, true, false}));
  EXPECT_EQ(c.global_rope_theta, 80000.0);
  EXPECT_EQ(c.local_rope_theta, 500.0);
  EXPECT_EQ(c.classifier_pooling, SequencePooling::Mean);
  EXPECT_TRUE(c.norm_bias);
  EXPECT_EQ(c.hidden_activation, HiddenActivation::GeluTanh);
  EXPECT_EQ(c.classifier_activation, HeadActivation::Relu);
  EXPECT_FLOAT_EQ(c.norm_eps, 1e-6f);
  EXPECT_EQ(c.labels, std::vector<std::string>({"no", "yes"}));
  EXPECT_EQ(c.st_activation_fn, "torch.nn.modules.linear.Identity");
  // transformers 5's form: layer_types and rope_parameters win over the legacy keys.
  c = parse(R"({"model_type": "modernbert", "num_hidden_layers": 3, "global_attn_every_n_layers": 2,
      "layer_types": ["sliding_attention", "full_attention", "sliding_attention"], "global_rope_theta": 1.0,
      "rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 1234.5},
                          "sliding_attention": {"rope_type": "default", "rope_theta": 99.0}},
      "sliding_window": 32})");
  EXPECT_EQ(c.global_layers, std::vector<bool>({false, true, false}));
  EXPECT_EQ(c.global_rope_theta, 1234.5);
  EXPECT_EQ(c.local_rope_theta, 99.0);
  EXPECT_EQ(c.local_attention, 64);
}

TEST(ModernBertConfig, RejectsWhatItCannotRunNamingTheKey) {
  const auto bad = [](const std::string& extra, ErrorCode code, const std::string& needle) {
    SCOPED_TRACE(extra);
    test::expect_error([&] { parse(R"({"model_type": "modernbert", "num_hidden_layers": 2)" + extra + "}"); },
                       code, {"config.json", needle});
  };
  bad(R"(, "classifier_pooling": "max")", ErrorCode::UnsupportedArchitecture, "classifier_pooling");
  bad(R"(, "hidden_activation": "silu")", ErrorCode::UnsupportedArchitecture, "hidden_activation");
  bad(R"(, "classifier_activation": "swish")", ErrorCode::UnsupportedArchitecture, "classifier_activation");
  bad(R"(, "layer_types": ["full_attention"])", ErrorCode::InvalidConfig, "layer_types");
  bad(R"(, "layer_types": ["full_attention", "chunked"])", ErrorCode::InvalidConfig, "layer_types\"[1]");
  bad(R"(, "rope_parameters": {"full_attention": {"rope_type": "yarn", "factor": 2}})",
      ErrorCode::UnsupportedArchitecture, "rope_type");
  bad(R"(, "rope_parameters": {"full_attention": {"rope_theta": -5}})", ErrorCode::InvalidConfig, "rope_theta");
  bad(R"(, "rope_scaling": {"rope_type": "linear", "factor": 2.0})", ErrorCode::UnsupportedArchitecture,
      "rope_scaling");
  bad(R"(, "hidden_size": 30, "num_attention_heads": 4)", ErrorCode::InvalidConfig, "hidden_size");
  bad(R"(, "hidden_size": 30, "num_attention_heads": 10)", ErrorCode::InvalidConfig, "even head size");
  bad(R"(, "norm_bias": "no")", ErrorCode::InvalidConfig, "norm_bias");
  bad(R"(, "norm_eps": 0)", ErrorCode::InvalidConfig, "norm_eps");
  bad(R"(, "local_attention": -2)", ErrorCode::InvalidConfig, "local_attention");
  bad(R"(, "local_attention": 128, "sliding_window": 10)", ErrorCode::InvalidConfig, "sliding_window");
  bad(R"(, "max_position_embeddings": 0)", ErrorCode::InvalidConfig, "max_position_embeddings");
  bad(R"(, "global_attn_every_n_layers": 0)", ErrorCode::InvalidConfig, "global_attn_every_n_layers");
  bad(R"(, "id2label": {"1": "x"})", ErrorCode::InvalidConfig, "id2label");
  test::expect_error([] { parse(R"({"num_hidden_layers": 2})"); }, ErrorCode::InvalidConfig, {"model_type"});
}

TEST(ModernBertConfig, TheRegistryRoutesModernBertCheckpoints) {
  const auto j = parse_config_json(R"({"architectures": ["ModernBertForSequenceClassification"],
                                       "model_type": "modernbert"})", "config.json");
  const ModelFamily& f = family_for_config(j, "config.json");
  EXPECT_STREQ(f.name, "modernbert");
  const auto parsed = f.parse_config(j, "config.json");
  EXPECT_EQ(parsed->info.family, "modernbert");
  EXPECT_EQ(parsed->info.max_sequence_length, 8192u);
  EXPECT_STREQ(family_for_config(parse_config_json(R"({"model_type": "modernbert"})", "c"), "c").name, "modernbert");
}

// ---- PyTorch goldens -------------------------------------------------------------------------------------------

struct Golden {
  std::string name;
  fs::path model_dir;
  nlohmann::json doc;
};

std::vector<Golden> goldens() {
  const fs::path root = CE_SOURCE_DIR;
  std::vector<Golden> out;
  for (const auto& entry : fs::directory_iterator(root / "test/fixtures/goldens-modernbert")) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    out.push_back({name, root / "test/fixtures/models" / name,
                   nlohmann::json::parse(read_file_to_string(entry.path().string(), name))});
  }
  std::sort(out.begin(), out.end(), [](const Golden& a, const Golden& b) { return a.name < b.name; });
  return out;
}

std::unique_ptr<SequenceClassifier> load_through_registry(const fs::path& dir) {
  const std::string path = (dir / "config.json").string();
  const auto j = parse_config_json(read_file_to_string(path, "config.json"), path);
  const ModelFamily& family = family_for_config(j, path);
  EXPECT_STREQ(family.name, "modernbert");
  const auto config = family.parse_config(j, path);
  ThreadPool pool(2);
  return family.load(*config, SafetensorsCheckpoint::open_model_dir(dir.string()), WeightLoadOptions{&pool, false});
}

TEST(ModernBertGoldens, MatchPyTorch) {
  const auto all = goldens();
  ASSERT_EQ(all.size(), 3u) << "expected the three tiny-modernbert goldens";
  ThreadPool pool(2);
  for (const Golden& g : all) {
    SCOPED_TRACE(g.name);
    const auto m = load_through_registry(g.model_dir);
    const size_t labels = static_cast<size_t>(m->info().num_labels);
    EXPECT_EQ(labels, g.doc.at("num_labels").get<size_t>());
    for (const char* part : {"pairs", "long"}) {
      PackedBatch b;
      b.seq_offsets.push_back(0);
      std::vector<float> want;
      size_t longest = 0;
      for (const auto& p : g.doc.at(part)) {
        for (int id : p.at("input_ids")) {
          b.input_ids.push_back(id);
          b.token_type_ids.push_back(0);
        }
        longest = std::max(longest, p.at("input_ids").size());
        b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
        for (float v : p.at("logits")) want.push_back(v);
      }
      ASSERT_EQ(want.size(), b.num_sequences() * labels);
      const auto fast = run_fast(*m, b, &pool);
      double worst = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_NEAR(fast[i], want[i], 1e-4) << part << " logit " << i;
        worst = std::max(worst, std::fabs(double(fast[i]) - want[i]));
      }
      std::printf("%s %s: %zu sequences (longest %zu tokens), max |fast - torch| = %.3g\n", g.name.c_str(), part,
                  b.num_sequences(), longest, worst);
    }
    // The reference ops on the first pairs (the scalar attention is slow on the 4600-token sequence).
    PackedBatch b;
    b.seq_offsets.push_back(0);
    std::vector<float> want;
    for (size_t i = 0; i < 12; ++i) {
      const auto& p = g.doc.at("pairs").at(i);
      for (int id : p.at("input_ids")) {
        b.input_ids.push_back(id);
        b.token_type_ids.push_back(0);
      }
      b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
      for (float v : p.at("logits")) want.push_back(v);
    }
    const auto ref = run_reference(*m, b);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(ref[i], want[i], 1e-4) << "reference logit " << i;
  }
}

// Texts through the core API: the ModernBERT-style byte-level BPE tokenizer's ids, then the model, against
// sentence-transformers (pairs of up to ~5000 tokens included; maxLength defaults to the tokenizer's 8192).
TEST(ModernBertGoldens, TextPairsThroughTheCoreApi) {
  for (const Golden& g : goldens()) {
    SCOPED_TRACE(g.name);
    LoadOptions o;
    o.threads = 2;
    const auto m = CrossEncoderModel::load(g.model_dir.string(), o);
    EXPECT_EQ(m->max_length(), g.doc.at("max_length").get<size_t>());
    std::vector<TextPair> pairs;
    std::vector<float> want;
    size_t longest = 0;
    for (const auto& p : g.doc.at("pairs")) {
      pairs.push_back({p.at("a").get<std::string>(), p.at("b").get<std::string>()});
      const PairEncoding e = m->tokenize(pairs.back().a, pairs.back().b);
      ASSERT_EQ(e.input_ids, p.at("input_ids").get<std::vector<int32_t>>()) << "pair " << pairs.size() - 1;
      longest = std::max(longest, e.input_ids.size());
      for (float v : p.at("logits")) want.push_back(v);
    }
    EXPECT_GT(longest, 4096u);
    const auto got = m->predict(pairs, Activation::Identity, 8, nullptr);
    ASSERT_EQ(got.size(), want.size());
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got[i], want[i], 1e-4) << "logit " << i;
      worst = std::max(worst, std::fabs(double(got[i]) - want[i]));
    }
    std::printf("%s text pairs: %zu (longest %zu tokens), max |predict - torch| = %.3g\n", g.name.c_str(),
                pairs.size(), longest, worst);
  }
}

}  // namespace
}  // namespace ce
