// Where a forward pass spends its time at each precision (a tool, not a test): the fast ops wrapped in timers, so
// GEMMs (with their fused bias/GELU/residual stores), attention, LayerNorm and the rest (embeddings, head, copies)
// each get their share. Tells whether non-GEMM work matters once the GEMMs run in bf16 or int8.
// Usage: op_profile <model_dir> [threads=1] [pairs=32] [tokens=128] [reps=5] [precision=all]
// (one precision, e.g. int8, to profile that path alone under perf)
// Prints one JSON object per precision: median-of-reps milliseconds per bucket and its share of the pass.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "api/cross_encoder.h"
#include "model/ops.h"
#include "model/sequence_classifier.h"

namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds spent in each op of the current pass (the profiler runs one pass at a time).
struct Buckets {
  double linear = 0, attention = 0, layer_norm = 0;
};
Buckets g_buckets;

double since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

void timed_linear(const ce::PackedLinear& l, const float* x, size_t rows, float* y, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.linear(l, x, rows, y, pool);
  g_buckets.linear += since(t);
}
void timed_linear_shared_input(const ce::PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                               size_t rows, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.linear_shared_input(layers, ys, count, x, rows, pool);
  g_buckets.linear += since(t);
}
void timed_linear_activation(const ce::PackedLinear& l, const float* x, size_t rows, float* y,
                             ce::HiddenActivation act, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.linear_activation(l, x, rows, y, act, pool);
  g_buckets.linear += since(t);
}
void timed_linear_residual(const ce::PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                           ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.linear_residual(l, x, residual, rows, y, pool);
  g_buckets.linear += since(t);
}
// GEMMs with a LayerNorm in their tasks (BERT's attention output, the feed-forward block, whose activation, GeGLU
// included, is counted with it): the LayerNorm part of their time cannot be told apart, so they count as GEMMs,
// the LayerNorm bucket keeps the separate ones.
void timed_linear_residual_norm(const ce::PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                                const ce::LayerNormParams& norm, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.linear_residual_norm(l, x, residual, rows, y, norm, pool);
  g_buckets.linear += since(t);
}
void timed_feed_forward(const ce::PackedLinear& up, const ce::PackedLinear& down, ce::HiddenActivation act, bool gated,
                        const float* x, const float* residual, size_t rows, float* y, const ce::LayerNormParams* norm,
                        ce::ScratchBuffer& intermediate, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.feed_forward(up, down, act, gated, x, residual, rows, y, norm, intermediate, pool);
  g_buckets.linear += since(t);
}
void timed_attention(const ce::AttentionLayout& layout, const float* q, const float* k, const float* v, float* out,
                     ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.attention(layout, q, k, v, out, pool);
  g_buckets.attention += since(t);
}
void timed_layer_norm(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps,
                      ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.layer_norm(x, rows, width, gamma, beta, eps, pool);
  g_buckets.layer_norm += since(t);
}

void timed_disentangled_attention(const ce::AttentionLayout& layout, const ce::RelativeAttention& rel, const float* q,
                                  const float* k, const float* v, float* out, ce::ThreadPool* pool) {
  const auto t = Clock::now();
  ce::kFastOps.disentangled_attention(layout, rel, q, k, v, out, pool);
  g_buckets.attention += since(t);
}

// GeGLU and RoPE (ModernBERT) run untimed: they fall in "the rest".
const ce::OpsTable kTimedOps = {"timed",
                                timed_linear,
                                timed_linear_shared_input,
                                timed_linear_activation,
                                timed_linear_residual,
                                timed_linear_residual_norm,
                                timed_feed_forward,
                                timed_attention,
                                timed_layer_norm,
                                timed_disentangled_attention,
                                ce::kFastOps.gated_activation,
                                ce::kFastOps.rotary,
                                true};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: op_profile <model_dir> [threads=1] [pairs=32] [tokens=128] [reps=5] [fp32|bf16|int8]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  const size_t pairs = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 32;
  const size_t tokens = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 128;
  const int reps = argc > 5 ? std::atoi(argv[5]) : 5;
  const std::string only = argc > 6 ? argv[6] : "";
  try {
    for (ce::Precision precision : {ce::Precision::FP32, ce::Precision::BF16, ce::Precision::INT8}) {
      if (!only.empty() && only != ce::precision_name(precision)) continue;
      ce::LoadOptions options;
      options.threads = threads;
      options.precision = precision;
      const auto model = ce::CrossEncoderModel::load(dir, options);
      const ce::ModelInfo& info = model->info();
      // Shapes decide the time, not the words: random ids below the vocabulary, [CLS]-like first token.
      ce::PackedBatch batch;
      batch.seq_offsets.assign(1, 0);
      std::mt19937 rng(1);
      const size_t length = std::min<size_t>(tokens, info.max_sequence_length);
      for (size_t s = 0; s < pairs; ++s) {
        for (size_t t = 0; t < length; ++t) {
          batch.input_ids.push_back(static_cast<int32_t>(1000 + rng() % static_cast<uint32_t>(std::max<size_t>(info.vocab_size, 1001) - 1000)));
          batch.token_type_ids.push_back(t < length / 4 ? 0 : 1);
        }
        batch.seq_offsets.push_back(static_cast<int32_t>(batch.input_ids.size()));
      }
      std::vector<float> logits(pairs * static_cast<size_t>(info.num_labels));
      const ce::SequenceClassifier& classifier = model->classifier();
      auto scratch = classifier.take_scratch();
      const ce::Ops ops = ce::Ops::with_table(kTimedOps, &model->pool());
      classifier.forward_with(ops, batch, logits.data(), scratch.get());  // warm-up
      std::vector<double> total, linear, attention, layer_norm;
      for (int r = 0; r < reps; ++r) {
        g_buckets = {};
        const auto t = Clock::now();
        classifier.forward_with(ops, batch, logits.data(), scratch.get());
        total.push_back(since(t));
        linear.push_back(g_buckets.linear);
        attention.push_back(g_buckets.attention);
        layer_norm.push_back(g_buckets.layer_norm);
      }
      classifier.return_scratch(std::move(scratch));
      const double ms = median(total), lin = median(linear), att = median(attention), ln = median(layer_norm);
      const double other = std::max(0.0, ms - lin - att - ln);
      std::printf(
          "{\"precision\":\"%s\",\"kernel\":\"%s\",\"threads\":%d,\"pairs\":%zu,\"tokens\":%zu,\"total_ms\":%.3f,"
          "\"gemm_ms\":%.3f,\"attention_ms\":%.3f,\"layer_norm_ms\":%.3f,\"other_ms\":%.3f,"
          "\"gemm_share\":%.3f,\"attention_share\":%.3f,\"layer_norm_share\":%.3f,\"other_share\":%.3f}\n",
          ce::precision_name(precision), model->gemm_kernel_name().c_str(), threads, pairs, length, ms, lin, att, ln,
          other, lin / ms, att / ms, ln / ms, other / ms);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "op_profile: %s\n", e.what());
    return 1;
  }
  return 0;
}
