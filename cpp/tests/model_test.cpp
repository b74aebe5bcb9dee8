// BERT forward-pass tests: fast vs reference, PyTorch goldens, batch/thread invariance, weight loading, validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors.h"
#include "io/safetensors_checkpoint.h"
#include "model/bert/bert_config.h"
#include "model/bert/bert_model.h"
#include "model/sequence_parts.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

namespace fs = std::filesystem;

BertConfig tiny_config() {
  BertConfig c;
  c.architecture = "BertForSequenceClassification";
  c.vocab_size = 50;
  c.hidden_size = 32;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.intermediate_size = 64;
  c.max_position_embeddings = 40;
  c.type_vocab_size = 2;
  c.num_labels = 3;
  c.layer_norm_eps = 1e-12f;
  return c;
}

using test::TempDir;
using test::TensorMap;
using test::write_f32_safetensors;

TensorMap random_tensors(const BertConfig& c, uint32_t seed) { return test::random_bert_tensors(c, seed); }

BertModel load_model_from(const fs::path& file, const BertConfig& c) {
  return BertModel(c, load_bert_weights(SafetensorsCheckpoint::open_file(file.string()), c));
}

BertModel tiny_model(const BertConfig& c, uint32_t seed = 1) {
  TempDir dir;
  write_f32_safetensors(dir.path() / "model.safetensors", random_tensors(c, seed));
  return load_model_from(dir.path() / "model.safetensors", c);
}

PackedBatch random_batch(const BertConfig& c, const std::vector<int>& lengths, uint32_t seed) {
  std::mt19937 rng(seed);
  PackedBatch b;
  b.seq_offsets.push_back(0);
  for (int len : lengths) {
    for (int i = 0; i < len; ++i) {
      b.input_ids.push_back(static_cast<int32_t>(rng() % c.vocab_size));
      b.token_type_ids.push_back(i >= len / 2 ? 1 : 0);
    }
    b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
  }
  return b;
}

// Sequence s alone, as a batch of its own.
PackedBatch slice(const PackedBatch& b, size_t s) { return slice_sequences(b, {s, s + 1}); }

TEST(BertModel, FastMatchesReference) {
  for (auto act : {HiddenActivation::GeluErf, HiddenActivation::GeluTanh, HiddenActivation::Relu}) {
    BertConfig c = tiny_config();
    c.hidden_act = act;
    const BertModel m = tiny_model(c);
    const PackedBatch b = random_batch(c, {1, 2, 7, 40, 13, 3}, 3);
    std::vector<float> fast(6 * 3), ref(6 * 3);
    ThreadPool pool(2);
    m.forward(b, fast.data(), &pool);
    m.forward_reference(b, ref.data());
    for (size_t i = 0; i < fast.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-4) << i;
    // The logits are not degenerate (a broken model tends to give constants).
    EXPECT_GT(std::fabs(ref[0] - ref[3]) + std::fabs(ref[1] - ref[4]), 1e-3);
  }
}

TEST(BertModel, SequenceResultIsBitwiseIndependentOfBatchAndThreads) {
  const BertConfig c = tiny_config();
  const BertModel m = tiny_model(c);
  const std::vector<int> lengths = {5, 1, 40, 17, 8, 8, 23};
  const PackedBatch b = random_batch(c, lengths, 4);
  std::vector<float> batched(lengths.size() * 3);
  m.forward(b, batched.data(), nullptr);
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    std::vector<float> again(batched.size());
    m.forward(b, again.data(), &pool);
    ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << threads;
    for (size_t s = 0; s < lengths.size(); ++s) {
      float alone[3];
      m.forward(slice(b, s), alone, &pool);
      ASSERT_EQ(0, std::memcmp(alone, batched.data() + s * 3, sizeof(alone))) << "sequence " << s;
    }
  }
  // Scratch reused between passes (and returned to and taken from the model) holds the previous pass's values
  // in its uninitialised buffers: no result may depend on them.
  ThreadPool pool(2);
  std::unique_ptr<ForwardScratch> scratch = m.take_scratch();
  for (int round = 0; round < 2; ++round) {
    for (size_t s = 0; s < lengths.size(); ++s) {
      float alone[3];
      m.forward(slice(b, s), alone, &pool, scratch.get());
      ASSERT_EQ(0, std::memcmp(alone, batched.data() + s * 3, sizeof(alone))) << "sequence " << s;
    }
    std::vector<float> again(batched.size());
    m.forward(b, again.data(), &pool, scratch.get());
    ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << "round " << round;
    m.return_scratch(std::move(scratch));
    scratch = m.take_scratch();
  }
}

// A batch long enough for every thread to forward runs of whole sequences on its own (sequence_parts.h): the
// logits are the bits of the row-parallel pass, at each precision, for 2 and 3 threads.
TEST(BertModel, SequenceParallelRunsScoreTheSameBits) {
  const BertConfig c = tiny_config();
  std::mt19937 rng(9);
  std::vector<int> lengths;
  int rows = 0;
  while (rows < 3 * 4 * 128 + 200) {  // enough for 3 threads x 4 runs of >= 128 tokens
    lengths.push_back(1 + static_cast<int>(rng() % c.max_position_embeddings));
    rows += lengths.back();
  }
  const PackedBatch b = random_batch(c, lengths, 11);
  TempDir dir;
  write_f32_safetensors(dir.path() / "model.safetensors", random_tensors(c, 1));
  for (Precision precision : {Precision::FP32, Precision::BF16, Precision::INT8}) {
    SCOPED_TRACE(precision_name(precision));
    BertModel m(c, load_bert_weights(SafetensorsCheckpoint::open_file((dir.path() / "model.safetensors").string()), c,
                                     nullptr, false, PrecisionPlan::for_precision(precision)));
    std::vector<float> one_thread(lengths.size() * 3);
    m.forward(b, one_thread.data(), nullptr);
    EXPECT_FALSE(m.sequence_parallel());  // off unless the loader turns it on
    m.set_sequence_parallel(true);
    for (int threads : {2, 3}) {
      ASSERT_GE(split_for_threads(b, static_cast<size_t>(threads)).size(), static_cast<size_t>(threads)) << threads;
      ThreadPool pool(threads);
      std::vector<float> runs(one_thread.size());
      m.forward(b, runs.data(), &pool);
      ASSERT_EQ(0, std::memcmp(runs.data(), one_thread.data(), runs.size() * sizeof(float))) << threads;
    }
  }
}

TEST(SequenceParts, RunsCoverEverySequenceInOrderWithSimilarTokenCounts) {
  const BertConfig c = tiny_config();
  // 60 sequences of 30 tokens: 1800 rows; 2 threads x 4 runs -> runs of 8 sequences (240 >= 225 tokens).
  const PackedBatch b = random_batch(c, std::vector<int>(60, 30), 1);
  const std::vector<SequenceRange> parts = split_for_threads(b, 2);
  ASSERT_EQ(parts.size(), 8u);
  size_t next = 0;
  for (const SequenceRange& p : parts) {
    EXPECT_EQ(p.begin, next);
    EXPECT_GT(p.end, p.begin);
    next = p.end;
  }
  EXPECT_EQ(next, 60u);
  EXPECT_EQ(parts.front().end, 8u);
  // The slice is a batch of its own: offsets from 0, its rows' ids.
  const PackedBatch part = slice_sequences(b, parts[1]);
  ASSERT_EQ(part.num_sequences(), 8u);
  EXPECT_EQ(part.seq_offsets.front(), 0);
  EXPECT_EQ(part.seq_offsets.back(), 240);
  EXPECT_TRUE(std::equal(part.input_ids.begin(), part.input_ids.end(), b.input_ids.begin() + 240));
  EXPECT_TRUE(std::equal(part.token_type_ids.begin(), part.token_type_ids.end(), b.token_type_ids.begin() + 240));
  // Row-parallel: one thread; too few tokens for 4 runs of 128 per thread; too few sequences per thread.
  EXPECT_TRUE(split_for_threads(b, 1).empty());
  EXPECT_TRUE(split_for_threads(random_batch(c, std::vector<int>(30, 30), 1), 2).empty());
  EXPECT_TRUE(split_for_threads(random_batch(c, std::vector<int>(3, 40), 1), 2).empty());
  EXPECT_TRUE(split_for_threads(PackedBatch{}, 2).empty());
  // One sequence longer than a run's share (2070 rows / 8 runs = 258 tokens; it has 300): row-parallel.
  std::vector<int> one_long(60, 30);
  one_long[7] = 300;
  BertConfig long_config = c;
  long_config.max_position_embeddings = 512;
  EXPECT_TRUE(split_for_threads(random_batch(long_config, one_long, 1), 2).empty());
}

TEST(BertModel, PositionsRestartPerSequence) {
  // Two copies of one sequence in a batch must score the same as each other (positions restart at 0).
  const BertConfig c = tiny_config();
  const BertModel m = tiny_model(c);
  PackedBatch one = random_batch(c, {9}, 5), two = one;
  two.input_ids.insert(two.input_ids.end(), one.input_ids.begin(), one.input_ids.end());
  two.token_type_ids.insert(two.token_type_ids.end(), one.token_type_ids.begin(), one.token_type_ids.end());
  two.seq_offsets = {0, 9, 18};
  std::vector<float> ref(6);
  m.forward_reference(two, ref.data());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ref[i], ref[3 + i]);
}

void expect_invalid(const BertModel& m, const PackedBatch& b, const std::string& needle) {
  std::vector<float> out(64);
  for (bool reference : {false, true}) {
    try {
      if (reference) {
        m.forward_reference(b, out.data());
      } else {
        m.forward(b, out.data(), nullptr);
      }
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
}

TEST(BertModel, RejectsInvalidBatches) {
  const BertConfig c = tiny_config();
  const BertModel m = tiny_model(c);
  const PackedBatch good = random_batch(c, {3, 4}, 6);
  PackedBatch b = good;
  b.seq_offsets[0] = 1;
  expect_invalid(m, b, "seq_offsets[0]");
  b = good;
  b.seq_offsets = {0, 4, 3, 7};
  expect_invalid(m, b, "sequence 1");
  b = good;
  b.seq_offsets = {0, 3, 3, 7};
  expect_invalid(m, b, "at least one token");
  b = good;
  b.seq_offsets.back() = 6;
  expect_invalid(m, b, "seq_offsets ends");
  b = good;
  b.input_ids[2] = c.vocab_size;
  expect_invalid(m, b, "input_ids[2]");
  b = good;
  b.input_ids[0] = -1;
  expect_invalid(m, b, "input_ids[0]");
  b = good;
  b.token_type_ids[5] = 2;
  expect_invalid(m, b, "token_type_ids[5]");
  b = good;
  b.token_type_ids.pop_back();
  expect_invalid(m, b, "token_type_ids has");
  expect_invalid(m, random_batch(c, {2, c.max_position_embeddings + 1}, 7), "max_position_embeddings");
  // At the limit is fine.
  std::vector<float> out(3);
  EXPECT_NO_THROW(m.forward(random_batch(c, {c.max_position_embeddings}, 8), out.data(), nullptr));
}

TEST(BertWeights, AcceptsBarePrefixLegacyNamesAndExtraTensors) {
  const BertConfig c = tiny_config();
  const TensorMap t = random_tensors(c, 9);
  TempDir dir;
  write_f32_safetensors(dir.path() / "a.safetensors", t);
  // Bare names, legacy gamma/beta and an unrelated extra tensor.
  TensorMap legacy;
  for (const auto& [name, tv] : t) {
    std::string n = name.rfind(bert_tensors::kPrefix, 0) == 0 ? name.substr(std::string(bert_tensors::kPrefix).size())
                                                             : name;
    if (n.find("LayerNorm.weight") != std::string::npos) n.replace(n.size() - 6, 6, "gamma");
    if (n.find("LayerNorm.bias") != std::string::npos) n.replace(n.size() - 4, 4, "beta");
    legacy[n] = tv;
  }
  legacy["embeddings.position_ids"] = {{1, 2}, {0, 1}};
  write_f32_safetensors(dir.path() / "b.safetensors", legacy);
  const BertModel a = load_model_from(dir.path() / "a.safetensors", c);
  const BertModel b = load_model_from(dir.path() / "b.safetensors", c);
  const PackedBatch batch = random_batch(c, {6, 11}, 10);
  std::vector<float> la(6), lb(6);
  a.forward(batch, la.data(), nullptr);
  b.forward(batch, lb.data(), nullptr);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(la[i], lb[i]);
}

// An F32 word-embedding table is read from the file unless asked to copy it (any data alignment); the scores
// are bitwise the same either way, and the open file outlives its name.
TEST(BertWeights, WordEmbeddingsReadFromTheFileScoreLikeInMemory) {
  const BertConfig c = tiny_config();
  const TensorMap t = random_tensors(c, 21);
  const PackedBatch batch = random_batch(c, {7, 12, 3}, 22);
  std::vector<std::vector<float>> logits;
  for (const auto& [data_start, in_memory] :
       std::vector<std::pair<int, bool>>{{0, false}, {0, true}, {2, false}, {2, true}}) {
    std::optional<BertModel> model;
    {
      TempDir dir;
      const fs::path file = dir.path() / "model.safetensors";
      write_f32_safetensors(file, t, data_start);
      BertWeights w = load_bert_weights(SafetensorsCheckpoint::open_file(file.string()), c, nullptr, in_memory);
      EXPECT_EQ(w.embeddings.word.in_memory(), in_memory);
      ASSERT_EQ(w.embeddings.word.size(), static_cast<size_t>(c.vocab_size * c.hidden_size));
      model.emplace(c, std::move(w));
    }  // the file is deleted here
    std::vector<float> out(3 * static_cast<size_t>(c.num_labels));
    model->forward(batch, out.data(), nullptr);
    logits.push_back(out);
    std::vector<float> ref(out.size());
    model->forward_reference(batch, ref.data());
    logits.push_back(ref);
  }
  for (size_t i = 2; i < logits.size(); ++i)
    for (size_t j = 0; j < logits[0].size(); ++j) EXPECT_EQ(logits[i][j], logits[i % 2][j]) << i << " " << j;
}

// A weights file cut short while the model is loaded: a clear error from the call, not a crash (SIGBUS).
TEST(BertWeights, TruncatedFileAfterLoadFailsTheCall) {
  const BertConfig c = tiny_config();
  TempDir dir;
  const fs::path file = dir.path() / "model.safetensors";
  write_f32_safetensors(file, random_tensors(c, 23), 0);
  const BertModel model(c, load_bert_weights(SafetensorsCheckpoint::open_file(file.string()), c));
  fs::resize_file(file, 64);
  std::vector<float> out(static_cast<size_t>(c.num_labels));
  ce::test::expect_error([&] { model.forward(random_batch(c, {5}, 24), out.data(), nullptr); },
                         ErrorCode::FileUnreadable, {file.string(), "truncated"});
}

TEST(BertWeights, MissingTensorIsNamed) {
  const BertConfig c = tiny_config();
  TensorMap t = random_tensors(c, 11);
  t.erase("bert.encoder.layer.1.attention.output.dense.bias");
  TempDir dir;
  write_f32_safetensors(dir.path() / "m.safetensors", t);
  try {
    load_model_from(dir.path() / "m.safetensors", c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::MissingTensor);
    EXPECT_NE(std::string(e.what()).find("encoder.layer.1.attention.output.dense.bias"), std::string::npos)
        << e.what();
  }
  t = random_tensors(c, 11);
  t.erase("classifier.weight");
  write_f32_safetensors(dir.path() / "m2.safetensors", t);
  try {
    load_model_from(dir.path() / "m2.safetensors", c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::MissingTensor);
    EXPECT_NE(std::string(e.what()).find("classifier.weight"), std::string::npos) << e.what();
  }
}

TEST(BertWeights, ShapeMismatchAgainstConfigFails) {
  BertConfig c = tiny_config();
  TempDir dir;
  write_f32_safetensors(dir.path() / "m.safetensors", random_tensors(c, 12));
  c.intermediate_size = 48;  // the file has 64
  try {
    load_model_from(dir.path() / "m.safetensors", c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidSafetensors);
    EXPECT_NE(std::string(e.what()).find("intermediate.dense.weight"), std::string::npos) << e.what();
  }
}

// Every golden file with its model: ids come from the goldens, logits from PyTorch fp32.
TEST(BertModel, MatchesPyTorchGoldens) {
  int checked = 0;
  for (const test::GoldenSample& golden : test::golden_samples("bert")) {
    SCOPED_TRACE(golden.name);
    const std::string config_path = (golden.model_dir / "config.json").string();
    const BertConfig c = parse_bert_config(read_file_to_string(config_path, "config.json"), config_path);
    const BertModel m = load_model_from(golden.model_dir / "model.safetensors", c);
    PackedBatch b;
    b.seq_offsets.push_back(0);
    std::vector<float> want;
    size_t taken = 0;
    for (const auto& p : golden.doc.at("pairs")) {
      if (taken++ == test::golden_pair_limit()) break;
      for (int id : p.at("input_ids")) b.input_ids.push_back(id);
      for (int id : p.at("token_type_ids")) b.token_type_ids.push_back(id);
      b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
      test::append_golden_logits(p, want);
    }
    ASSERT_EQ(want.size(), b.num_sequences() * static_cast<size_t>(c.num_labels));
    std::vector<float> fast(want.size());
    ThreadPool pool(2);
    m.forward(b, fast.data(), &pool);
    // The naive reference costs ~1 s per real-model pair (minutes under ASan or qemu): it is held to PyTorch on the
    // first pairs only, and on one where CE_GOLDEN_PAIRS samples (the sanitizer and emulated runs, which are there
    // for memory errors and the NEON kernels; the reference is portable code, checked on 8 natively); the fast
    // path on all of them.
    const size_t reference_pairs = test::golden_pair_limit() == static_cast<size_t>(-1) ? 8 : 1;
    PackedBatch head;
    const size_t head_pairs = std::min(reference_pairs, b.num_sequences());
    const size_t head_tokens = static_cast<size_t>(b.seq_offsets[head_pairs]);
    head.input_ids.assign(b.input_ids.begin(), b.input_ids.begin() + head_tokens);
    head.token_type_ids.assign(b.token_type_ids.begin(), b.token_type_ids.begin() + head_tokens);
    head.seq_offsets.assign(b.seq_offsets.begin(), b.seq_offsets.begin() + head_pairs + 1);
    std::vector<float> ref(head_pairs * static_cast<size_t>(c.num_labels));
    m.forward_reference(head, ref.data());
    double worst = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_NEAR(fast[i], want[i], 1e-4) << "logit " << i;
      if (i < ref.size()) EXPECT_NEAR(ref[i], want[i], 1e-4) << "logit " << i;
      worst = std::max(worst, std::fabs(double(fast[i]) - want[i]));
    }
    std::printf("%s: %zu logits, max |fast - torch| = %.3g\n", golden.name.c_str(), want.size(), worst);
    ++checked;
  }
  ASSERT_GT(checked, 0) << "no golden files with their models under test/fixtures";
}

}  // namespace
}  // namespace ce
