// CrossEncoderModel tests: load errors, activations, predict vs fixtures, batch/thread invariance, cancel.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/cross_encoder.h"
#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors.h"
#include "io/safetensors_checkpoint.h"
#include "model/bert/bert_config.h"
#include "model/bert/bert_model.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kWords = {"the", "cat", "sat", "on", "mat", "dog", "ran", "fast", "a", "big",
                                         "red", "ball", "##s", "##ing", "hello", "world", "how", "are", "you", "?"};

json tiny_config_json(int num_labels) {
  json c = {{"architectures", {"BertForSequenceClassification"}},
            {"model_type", "bert"},
            {"vocab_size", 5 + static_cast<int>(kWords.size())},
            {"hidden_size", 16},
            {"num_hidden_layers", 2},
            {"num_attention_heads", 2},
            {"intermediate_size", 32},
            {"max_position_embeddings", 40},
            {"type_vocab_size", 2},
            {"hidden_act", "gelu"},
            {"layer_norm_eps", 1e-12},
            {"position_embedding_type", "absolute"}};
  json id2label = json::object();
  for (int i = 0; i < num_labels; ++i) id2label[std::to_string(i)] = "L" + std::to_string(i);
  c["id2label"] = id2label;
  return c;
}

void write_text(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// Writes a random F32 BertForSequenceClassification checkpoint matching `c` (HF names, `bert.` prefix).
void write_weights(const fs::path& path, const json& c, uint32_t seed) {
  test::write_f32_safetensors(path, test::random_bert_tensors(bert_config_from_json(test::to_ce(c), "config.json"), seed, 0.4f));
}

class ModelDir {
 public:
  explicit ModelDir(int num_labels = 1, const std::string& activation = "", uint32_t seed = 1) {
    config_ = tiny_config_json(num_labels);
    if (!activation.empty()) config_["sentence_transformers"] = {{"activation_fn", activation}};
    write_text(dir_.path() / "config.json", config_.dump());
    std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    for (const auto& w : kWords) vocab += w + "\n";
    write_text(dir_.path() / "vocab.txt", vocab);
    write_text(dir_.path() / "tokenizer_config.json", json{{"do_lower_case", true}, {"model_max_length", 512}}.dump());
    write_weights(dir_.path() / "model.safetensors", config_, seed);
  }
  std::string str() const { return dir_.str(); }
  const fs::path& path() const { return dir_.path(); }
  void rewrite_config(const json& c) { write_text(dir_.path() / "config.json", c.dump()); }
  json config() const { return config_; }

 private:
  test::TempDir dir_;
  json config_;
};

ErrorCode load_error(const std::string& dir, const LoadOptions& options = {}, std::string* message = nullptr) {
  try {
    CrossEncoderModel::load(dir, options);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "load of " << dir << " succeeded";
  return ErrorCode::Internal;
}

std::vector<TextPair> sample_pairs() {
  std::vector<TextPair> pairs;
  std::mt19937 rng(7);
  for (int i = 0; i < 23; ++i) {
    std::string a, b;
    const int la = 1 + rng() % 6, lb = rng() % 30;  // some pairs exceed max_length and get truncated
    for (int j = 0; j < la; ++j) a += kWords[rng() % kWords.size()] + " ";
    for (int j = 0; j < lb; ++j) b += kWords[rng() % 12] + (rng() % 3 ? " " : "");
    pairs.push_back({a, b});
  }
  pairs.push_back({"", ""});
  return pairs;
}

TEST(CrossEncoderLoad, ErrorsCarryTheRightCode) {
  std::string msg;
  EXPECT_EQ(load_error("/nonexistent/ce-model", {}, &msg), ErrorCode::FileNotFound);
  EXPECT_NE(msg.find("/nonexistent/ce-model"), std::string::npos) << msg;
  {
    ModelDir d;
    fs::remove(d.path() / "config.json");
    EXPECT_EQ(load_error(d.str(), {}, &msg), ErrorCode::FileNotFound);
    EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  }
  {
    ModelDir d;
    fs::remove(d.path() / "model.safetensors");
    EXPECT_EQ(load_error(d.str(), {}, &msg), ErrorCode::FileNotFound);
    EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
  }
  {
    ModelDir d;
    write_text(d.path() / "config.json", "{ not json");
    EXPECT_EQ(load_error(d.str()), ErrorCode::InvalidConfig);
  }
  {
    ModelDir d;
    json c = d.config();
    c["architectures"] = {"BertForMaskedLM"};
    d.rewrite_config(c);
    EXPECT_EQ(load_error(d.str()), ErrorCode::UnsupportedArchitecture);
  }
  {
    ModelDir d(1, "torch.nn.modules.activation.LeakyReLU");
    EXPECT_EQ(load_error(d.str(), {}, &msg), ErrorCode::UnsupportedArchitecture);
    EXPECT_NE(msg.find("LeakyReLU"), std::string::npos) << msg;
  }
  {
    ModelDir d;
    const auto size = fs::file_size(d.path() / "model.safetensors");
    fs::resize_file(d.path() / "model.safetensors", size - 100);
    EXPECT_EQ(load_error(d.str()), ErrorCode::InvalidSafetensors);
  }
  {
    ModelDir d;
    json c = d.config();
    c["intermediate_size"] = 24;  // the weights say 32
    d.rewrite_config(c);
    EXPECT_EQ(load_error(d.str()), ErrorCode::InvalidSafetensors);
  }
  {
    ModelDir d;
    LoadOptions o;
    o.max_length = 41;  // max_position_embeddings is 40
    EXPECT_EQ(load_error(d.str(), o), ErrorCode::InvalidArgument);
    o.max_length = 0;
    o.threads = -1;
    EXPECT_EQ(load_error(d.str(), o), ErrorCode::InvalidArgument);
  }
  {
    ModelDir d;
    json c = d.config();
    c["vocab_size"] = 10;  // tokenizer has 25 tokens
    d.rewrite_config(c);
    write_weights(d.path() / "model.safetensors", c, 1);
    EXPECT_EQ(load_error(d.str()), ErrorCode::InvalidConfig);
  }
}

TEST(CrossEncoderLoad, ResolvesMaxLengthAndActivation) {
  ModelDir d;
  const auto m = CrossEncoderModel::load(d.str(), {});
  EXPECT_EQ(m->max_length(), 40u);  // min(model_max_length 512, max_position_embeddings 40)
  EXPECT_EQ(m->default_activation(), Activation::Sigmoid);  // 1 label, nothing in config
  EXPECT_GE(m->pool().size(), 1);
  LoadOptions o;
  o.max_length = 16;
  o.threads = 3;
  const auto m16 = CrossEncoderModel::load(d.str(), o);
  EXPECT_EQ(m16->max_length(), 16u);
  EXPECT_EQ(m16->pool().size(), 3);
  EXPECT_EQ(m16->tokenize("the cat sat on the mat", "the dog ran fast on a big red ball and the cat sat").input_ids.size(),
            16u);

  EXPECT_EQ(CrossEncoderModel::load(ModelDir(3).str(), {})->default_activation(), Activation::Identity);
  const std::vector<std::pair<std::string, Activation>> names = {
      {"torch.nn.modules.linear.Identity", Activation::Identity},
      {"torch.nn.modules.activation.Sigmoid", Activation::Sigmoid},
      {"torch.nn.modules.activation.Tanh", Activation::Tanh},
      {"torch.nn.modules.activation.Softmax", Activation::Softmax},
      {"torch.nn.Sigmoid", Activation::Sigmoid},
      {"Tanh", Activation::Tanh},
  };
  for (const auto& [name, want] : names)
    EXPECT_EQ(CrossEncoderModel::load(ModelDir(2, name).str(), {})->default_activation(), want) << name;
  // The legacy key, as in cross-encoder/ms-marco-MiniLM-L-6-v2.
  ModelDir legacy(1);
  json c = legacy.config();
  c["sbert_ce_default_activation_function"] = "torch.nn.modules.linear.Identity";
  legacy.rewrite_config(c);
  EXPECT_EQ(CrossEncoderModel::load(legacy.str(), {})->default_activation(), Activation::Identity);
}

TEST(Activation, AppliesTorchFormulas) {
  std::vector<float> v = {-2.0f, 0.0f, 3.0f};
  apply_activation(Activation::Sigmoid, 1, v.data(), 3);
  EXPECT_FLOAT_EQ(v[0], 1.0f / (1.0f + std::exp(2.0f)));
  EXPECT_FLOAT_EQ(v[1], 0.5f);
  EXPECT_FLOAT_EQ(v[2], 1.0f / (1.0f + std::exp(-3.0f)));
  v = {-2.0f, 0.0f, 3.0f};
  apply_activation(Activation::Tanh, 3, v.data(), 1);
  EXPECT_FLOAT_EQ(v[0], std::tanh(-2.0f));
  EXPECT_FLOAT_EQ(v[2], std::tanh(3.0f));
  v = {-2.0f, 0.0f, 3.0f};
  apply_activation(Activation::Identity, 3, v.data(), 1);
  EXPECT_EQ(v, (std::vector<float>{-2.0f, 0.0f, 3.0f}));
  v = {1000.0f, 1001.0f, 0.0f, 1.0f};  // two rows of two labels; no overflow thanks to max subtraction
  apply_activation(Activation::Softmax, 2, v.data(), 2);
  const float p = 1.0f / (1.0f + std::exp(1.0f));
  EXPECT_NEAR(v[0], p, 1e-7);
  EXPECT_NEAR(v[1], 1 - p, 1e-7);
  EXPECT_NEAR(v[2], p, 1e-7);
  EXPECT_THROW(apply_activation(Activation::Default, 1, v.data(), 1), Error);
}

TEST(CrossEncoderPredict, MatchesForwardOnTokenizedPairsWithActivation) {
  ModelDir d(3, "torch.nn.modules.activation.Softmax");
  const auto m = CrossEncoderModel::load(d.str(), {});
  const auto pairs = sample_pairs();
  const auto raw = m->predict(pairs, Activation::Identity, 8, nullptr);
  const auto soft = m->predict(pairs, Activation::Default, 8, nullptr);
  ASSERT_EQ(raw.size(), pairs.size() * 3);
  // Rebuild logits pair by pair through the reference forward pass.
  const std::string config_path = (d.path() / "config.json").string();
  const BertConfig config = parse_bert_config(read_file_to_string(config_path, "config.json"), config_path);
  const BertModel ref(config, load_bert_weights(SafetensorsCheckpoint::open_model_dir(d.path().string()), config));
  for (size_t i = 0; i < pairs.size(); ++i) {
    const PairEncoding e = m->tokenize(pairs[i].a, pairs[i].b);
    PackedBatch b{e.input_ids, e.token_type_ids, {0, static_cast<int32_t>(e.input_ids.size())}};
    float want[3];
    ref.forward_reference(b, want);
    double z = 0, mx = std::max({want[0], want[1], want[2]});
    for (float w : want) z += std::exp(w - mx);
    for (int l = 0; l < 3; ++l) {
      EXPECT_NEAR(raw[i * 3 + l], want[l], 1e-4) << "pair " << i;
      EXPECT_NEAR(soft[i * 3 + l], std::exp(want[l] - mx) / z, 1e-5) << "pair " << i;
    }
  }
}

TEST(CrossEncoderPredict, BitwiseIndependentOfBatchSizeAndThreads) {
  ModelDir d(2);
  const auto pairs = sample_pairs();
  std::vector<float> first;
  for (int threads : {1, 2, 3}) {
    LoadOptions o;
    o.threads = threads;
    const auto m = CrossEncoderModel::load(d.str(), o);
    for (size_t bs : {size_t{1}, size_t{3}, size_t{7}, size_t{32}, size_t{1000}}) {
      const auto got = m->predict(pairs, Activation::Identity, bs, nullptr);
      if (first.empty()) {
        first = got;
        continue;
      }
      ASSERT_EQ(got.size(), first.size());
      ASSERT_EQ(0, std::memcmp(got.data(), first.data(), got.size() * sizeof(float)))
          << threads << " threads, batch_size " << bs;
    }
  }
  // The order of the input does not change a pair's score either.
  const auto m = CrossEncoderModel::load(d.str(), {});
  std::vector<TextPair> reversed(pairs.rbegin(), pairs.rend());
  const auto rev = m->predict(reversed, Activation::Identity, 5, nullptr);
  for (size_t i = 0; i < pairs.size(); ++i)
    for (int l = 0; l < 2; ++l) ASSERT_EQ(rev[(pairs.size() - 1 - i) * 2 + l], first[i * 2 + l]);
}

// The scheduler batches pairs of concurrent calls together: each call's scores must still be bitwise those of the
// call scored alone by predict(), in input order, with the call's own activation; truncation is counted.
TEST(CrossEncoderScheduler, ConcurrentCallsScoreBitwiseLikePredictAlone) {
  ModelDir d(2);
  LoadOptions o;
  o.threads = 2;
  o.max_batch_tokens = 40;  // several passes, each mixing calls
  const auto m = CrossEncoderModel::load(d.str(), o);
  const auto all = sample_pairs();
  std::vector<std::vector<TextPair>> calls;
  for (size_t begin = 0; begin < all.size(); begin += 3)
    calls.emplace_back(all.begin() + static_cast<ptrdiff_t>(begin),
                       all.begin() + static_cast<ptrdiff_t>(std::min(all.size(), begin + 3)));
  const Activation activations[] = {Activation::Identity, Activation::Softmax, Activation::Default};
  std::vector<std::promise<CallOutcome>> outcomes(calls.size());
  for (size_t c = 0; c < calls.size(); ++c) {
    CallOptions options;
    options.activation = activations[c % 3];
    options.priority = static_cast<int64_t>(c % 2);
    m->scheduler().post(calls[c], options, [&outcomes, c](CallOutcome&& outcome) { outcomes[c].set_value(std::move(outcome)); });
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    CallOutcome outcome = outcomes[c].get_future().get();
    ASSERT_FALSE(outcome.error);
    const auto alone = m->predict(calls[c], activations[c % 3], 32, nullptr);
    ASSERT_EQ(outcome.scores.size(), alone.size());
    EXPECT_EQ(0, std::memcmp(outcome.scores.data(), alone.data(), alone.size() * sizeof(float))) << "call " << c;
    size_t truncated = 0;
    for (const TextPair& pair : calls[c]) truncated += m->tokenize(pair.a, pair.b).truncated ? 1 : 0;
    EXPECT_EQ(outcome.truncated_pairs, truncated);
  }
  const SchedulerStats stats = m->scheduler().stats();
  EXPECT_EQ(stats.completed_calls, calls.size());
  EXPECT_EQ(stats.pairs, all.size());
  EXPECT_LE(stats.tokens, stats.batches * 40) << "every pass within the token budget (no pair exceeds max_length 40)";
}

TEST(CrossEncoderPredict, CancelEmptyAndBadArguments) {
  ModelDir d;
  const auto m = CrossEncoderModel::load(d.str(), {});
  EXPECT_TRUE(m->predict({}, Activation::Default, 4, nullptr).empty());
  std::atomic<bool> cancel{true};
  try {
    m->predict(sample_pairs(), Activation::Default, 4, &cancel);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  cancel = false;
  const auto scores = m->predict(sample_pairs(), Activation::Default, 4, &cancel);
  for (float s : scores) {
    EXPECT_GT(s, 0.0f);
    EXPECT_LT(s, 1.0f);  // sigmoid by default for one label
  }
  try {
    m->predict(sample_pairs(), Activation::Default, 0, nullptr);
    FAIL() << "batch_size 0 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

// Goldens with text: predict (identity) must reproduce PyTorch's logits through our tokenizer.
TEST(CrossEncoderPredict, MatchesGoldensFromText) {
  int checked = 0;
  for (const test::GoldenSample& golden : test::golden_samples()) {
    SCOPED_TRACE(golden.name);
    LoadOptions o;
    o.max_length = golden.doc.at("max_length").get<size_t>();
    o.threads = 2;
    const auto m = CrossEncoderModel::load(golden.model_dir.string(), o);
    std::vector<TextPair> pairs;
    std::vector<float> want;
    size_t taken = 0;
    for (const auto& p : golden.doc.at("pairs")) {
      if (taken++ == test::golden_pair_limit()) break;
      pairs.push_back({p.at("a").get<std::string>(), p.at("b").get<std::string>()});
      test::append_golden_logits(p, want);
    }
    const auto got = m->predict(pairs, Activation::Identity, 4, nullptr);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4) << "logit " << i;
    ++checked;
  }
  ASSERT_GT(checked, 0) << "no goldens with models under test/fixtures";
}

// The shared trained model: rank scores (sigmoid) recorded by sentence-transformers.
TEST(CrossEncoderPredict, MatchesSharedDemoRanking) {
  // The shared folder sits beside the repository (in CI too).
  const fs::path dir = fs::path(CE_SOURCE_DIR) / "../shared/models/debian-packages-mini";
  ASSERT_TRUE(fs::exists(dir / "demo_rank.json")) << dir << " not present";
  const json demo = json::parse(read_file_to_string((dir / "demo_rank.json").string(), "demo_rank.json"));
  const auto m = CrossEncoderModel::load(dir.string(), {});
  EXPECT_EQ(m->default_activation(), Activation::Sigmoid);
  std::vector<TextPair> pairs;
  for (const auto& doc : demo.at("documents")) pairs.push_back({demo.at("query"), doc});
  const auto scores = m->predict(pairs, Activation::Default, 4, nullptr);
  for (const auto& r : demo.at("rank")) {
    const size_t id = r.at("corpus_id");
    EXPECT_NEAR(scores.at(id), r.at("score").get<float>(), 1e-4) << "document " << id;
  }
}

}  // namespace
}  // namespace ce
