// Long inputs: a tiny XLM-R-layout model with 4098 positions scores 4096-token sequences, and the fast pass's
// working memory grows linearly with the length, not as n^2. Measured two ways around each forward pass: the
// peak of live heap bytes (this binary replaces operator new/delete to count them: exact, whatever malloc keeps
// resident from earlier passes), asserted; and the kernel's peak RSS (VmHWM reset via /proc/self/clear_refs),
// reported. PyTorch parity at 4096 tokens is families_test's (xlmr-3label-f16 raw cases).
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/safetensors_checkpoint.h"
#include "model/registry.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace {

// Live and peak bytes handed out by operator new in this process (malloc_usable_size of each block).
std::atomic<long> g_live{0}, g_peak{0};

void* counted(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  const long now = g_live.fetch_add(static_cast<long>(malloc_usable_size(p))) + static_cast<long>(malloc_usable_size(p));
  long peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  return p;
}

void uncounted(void* p) {
  if (p == nullptr) return;
  g_live.fetch_sub(static_cast<long>(malloc_usable_size(p)));
  std::free(p);
}

void* aligned(std::size_t n, std::align_val_t a) {
  const std::size_t al = std::max(static_cast<std::size_t>(a), sizeof(void*));
  return counted(std::aligned_alloc(al, (n + al - 1) / al * al));
}

}  // namespace

void* operator new(std::size_t n) { return counted(std::malloc(n == 0 ? 1 : n)); }
void* operator new[](std::size_t n) { return counted(std::malloc(n == 0 ? 1 : n)); }
void* operator new(std::size_t n, std::align_val_t a) { return aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return aligned(n, a); }
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }
void operator delete(void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }

namespace ce {
namespace {

using nlohmann::json;

constexpr int kHidden = 64, kHeads = 4, kPositions = 4098;

json long_config() {
  return {{"architectures", {"XLMRobertaForSequenceClassification"}}, {"model_type", "xlm-roberta"},
          {"vocab_size", 300}, {"hidden_size", kHidden}, {"num_hidden_layers", 2},
          {"num_attention_heads", kHeads}, {"intermediate_size", 128}, {"max_position_embeddings", kPositions},
          {"type_vocab_size", 1}, {"pad_token_id", 1}, {"layer_norm_eps", 1e-5},
          {"id2label", {{"0", "LABEL_0"}}}};
}

// Random weights under XLMRobertaForSequenceClassification's names.
test::TensorMap long_tensors() {
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 0.25f);
  test::TensorMap t;
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
  const std::string p = "roberta.";
  add(p + "embeddings.word_embeddings.weight", {300, kHidden});
  add(p + "embeddings.position_embeddings.weight", {kPositions, kHidden});
  add(p + "embeddings.token_type_embeddings.weight", {1, kHidden});
  add(p + "embeddings.LayerNorm.weight", {kHidden}, 1.0f);
  add(p + "embeddings.LayerNorm.bias", {kHidden});
  for (int l = 0; l < 2; ++l) {
    const std::string lp = p + "encoder.layer." + std::to_string(l) + ".";
    for (const char* n : {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"})
      linear(lp + n, kHidden, kHidden);
    for (const char* n : {"attention.output.LayerNorm", "output.LayerNorm"}) {
      add(lp + n + ".weight", {kHidden}, 1.0f);
      add(lp + n + ".bias", {kHidden});
    }
    linear(lp + "intermediate.dense", 128, kHidden);
    linear(lp + "output.dense", kHidden, 128);
  }
  linear("classifier.dense", kHidden, kHidden);
  linear("classifier.out_proj", 1, kHidden);
  return t;
}

class LongInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    test::write_f32_safetensors(dir_->path() / "model.safetensors", long_tensors());
    const json c = long_config();
    const ModelFamily& f = family_for_config(test::to_ce(c), "config.json");
    model_ = f.load(*f.parse_config(test::to_ce(c), "config.json"), SafetensorsCheckpoint::open_model_dir(dir_->str()),
                    WeightLoadOptions{nullptr, true})
                 .release();
  }
  static void TearDownTestSuite() {
    delete model_;
    delete dir_;
  }

  static PackedBatch sequence(int length) {
    std::mt19937 rng(static_cast<uint32_t>(length));
    PackedBatch b;
    for (int i = 0; i < length; ++i) {
      b.input_ids.push_back(static_cast<int32_t>(2 + rng() % 298));
      b.token_type_ids.push_back(0);
    }
    b.seq_offsets = {0, length};
    return b;
  }

  static test::TempDir* dir_;
  static SequenceClassifier* model_;
};
test::TempDir* LongInput::dir_ = nullptr;
SequenceClassifier* LongInput::model_ = nullptr;

// Linux: writing 5 to clear_refs resets VmHWM (the peak resident set) to the current VmRSS.
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A "VmHWM:" / "VmRSS:" line of /proc/self/status in KiB; -1 when absent.
long status_kib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  return -1;
}

TEST_F(LongInput, LimitIsPositionsMinusThePaddingOffset) {
  EXPECT_EQ(model_->info().max_sequence_length, static_cast<size_t>(kPositions - 2));
}

TEST_F(LongInput, ScoresA4096TokenSequence) {
  ThreadPool pool(2);
  float whole = 0, again = 0;
  model_->forward(sequence(kPositions - 2), &whole, &pool);
  model_->forward(sequence(kPositions - 2), &again, nullptr);
  EXPECT_TRUE(std::isfinite(whole));
  EXPECT_EQ(whole, again);  // threads change no bits, at any length
}

// One head's n x n score matrix at 4096 tokens alone is 64 MiB; the pass's activations (5 hidden-state buffers
// of 4096 x 64 floats, a feed-forward chunk, per-thread attention rows) are about 6 MiB. The pass's peak of live
// heap bytes at 4096 tokens must stay far below what n^2 scores would add, and grow from 1024 to 4096 tokens by
// at most 4x (plus slack for fixed-size buffers).
TEST_F(LongInput, PeakMemoryGrowsLinearlyWithLength) {
  ThreadPool pool(2);
  std::vector<long> heap, rss;
  for (int length : {1024, 4096}) {
    const PackedBatch b = sequence(length);
    float out = 0;
    ForwardScratch scratch;  // fresh: every activation buffer is allocated inside the measured pass
    reset_peak();
    const long rss_before = status_kib("VmRSS:");
    const long live_before = g_live.load();
    g_peak.store(live_before);
    model_->forward(b, &out, &pool, &scratch);
    heap.push_back((g_peak.load() - live_before) / 1024);
    rss.push_back(status_kib("VmHWM:") - rss_before);
    std::printf("%d tokens: peak live heap +%ld KiB, peak RSS +%ld KiB during the forward pass\n", length,
                heap.back(), rss.back());
  }
  const long n2_scores_kib = 4096L * 4096 * 4 / 1024;  // one head's score matrix
  EXPECT_GT(heap[1], heap[0]) << "the counter saw no allocations";
  EXPECT_LT(heap[1], n2_scores_kib / 4) << "peak heap grew by " << heap[1] << " KiB at 4096 tokens";
  EXPECT_LT(heap[1], 4 * heap[0] + 1024) << "growth from 1024 to 4096 tokens is more than linear";
}

}  // namespace
}  // namespace ce
