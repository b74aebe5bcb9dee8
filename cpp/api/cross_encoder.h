// The core's public C++ API: load a cross-encoder directory, tokenize pairs, score them on a compute pool.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/activation.h"
#include "api/scheduler.h"
#include "api/text_pair.h"
#include "model/model_info.h"
#include "model/precision.h"
#include "runtime/batch_plan.h"
#include "tokenizer/tokenizer.h"

namespace ce {

class SequenceClassifier;
class ThreadPool;
class ForwardScratch;

struct LoadOptions {
  // Compute threads; 0 = default_thread_count() (physical cores, capped by the cgroup CPU quota). Models asking
  // for the same count share one process-wide pool (shared_thread_pool) unless `pool` hands one in.
  int threads = 0;
  std::shared_ptr<ThreadPool> pool;  // the execution context to run on; null = shared_thread_pool(threads)
  size_t max_length = 0;   // 0 = min(tokenizer model_max_length, the model's max sequence length)
  // The scheduler's token budget per forward pass (why 2048: kMaxBatchTokens) and its queue bound
  // (SchedulerOptions); >= 1 each.
  size_t max_batch_tokens = 2048;
  size_t max_queued_pairs = 20000;
  // false: an F32 word-embedding table is read from the weights file row by row as tokens need it (see
  // EmbeddingTable); true: copied into memory at load, like F16/BF16 tables always are.
  bool embeddings_in_memory = false;
  // Weight format of the encoder's Linear layers (packed once at load; see model/precision.h for what stays
  // fp32). FP32 is the exact path; BF16 and INT8 trade a little ranking agreement for speed.
  Precision precision = Precision::FP32;
};

// Options of one predict call (the binding fills it from the JS options object, by name).
struct PredictOptions {
  Activation activation = Activation::Default;
  size_t batch_size = 32;                     // >= 1: pairs per forward pass; results do not depend on it
  const std::atomic<bool>* cancel = nullptr;  // polled between batches -> ce::Error(Cancelled)
};

// The model is its own scheduler's BatchScorer: scheduler() batches pairs of concurrent calls into shared forward
// passes; predict() scores one call alone, blocking.
class CrossEncoderModel final : public BatchScorer {
 public:
  // Reads config.json (its family from the registry), the weights and the tokenizer files of `model_dir`.
  // Throws ce::Error.
  static std::shared_ptr<CrossEncoderModel> load(const std::string& model_dir, const LoadOptions& options);
  ~CrossEncoderModel() override;

  // Family, architecture, labels, limits and what the weights file held.
  const ModelInfo& info() const;
  const SequenceClassifier& classifier() const { return *classifier_; }
  size_t max_length() const { return max_length_; }
  int num_labels() const;
  // The activation `Default` resolves to: from config (Sigmoid/Identity/Tanh/Softmax) or Sigmoid for one
  // label and Identity otherwise. Unknown activation classes fail at load with UnsupportedArchitecture.
  Activation default_activation() const { return default_activation_; }
  // The compute pool the model runs on (shared with other models of the same thread count).
  ThreadPool& pool() const override { return *pool_; }
  const WeightsSummary& weights_summary() const { return info().weights; }
  // The precision the model runs at, and the weight format of each of its Linear layers.
  Precision precision() const { return precision_plan_.precision(); }
  const PrecisionPlan& precision_plan() const { return precision_plan_; }
  // Name of the GEMM kernel running the precision's own weight format on this CPU (fp32: "avx512", "avx2",
  // "neon", "portable"; reduced formats name theirs, e.g. "avx512-bf16").
  const std::string& gemm_kernel_name() const { return gemm_kernel_name_; }
  // Special tokens the tokenizer adds to a pair ([CLS] a [SEP] b [SEP]: 3).
  size_t pair_special_tokens() const;

  PairEncoding tokenize(std::string_view a, std::string_view b) const override;
  size_t labels() const override { return static_cast<size_t>(num_labels()); }
  // One forward pass over `batch` (BatchScorer): raw logits in batch order.
  void score(const std::vector<const PairEncoding*>& batch, float* logits) const override;
  // The scheduler every asynchronous caller (the binding) goes through; see api/scheduler.h.
  Scheduler& scheduler() const { return *scheduler_; }

  // Scores pairs (blocking; the maths runs on the pool's threads). Output: pairs.size() * num_labels, row-major,
  // activation applied. The stages below run in order; a pair's result never depends on its batch.
  std::vector<float> predict(const std::vector<TextPair>& pairs, const PredictOptions& options) const;
  std::vector<float> predict(const std::vector<TextPair>& pairs, Activation activation, size_t batch_size,
                             const std::atomic<bool>* cancel) const {
    return predict(pairs, PredictOptions{activation, batch_size, cancel});
  }

  // predict's stages (the scheduler runs its own: tokenize per pair, score per pass, finish per call):
  // 1. tokenize every pair (on the pool; `cancel` polled per chunk);
  std::vector<PairEncoding> encode(const std::vector<TextPair>& pairs, const std::atomic<bool>* cancel) const;
  // 2. plan batches (length-sorted, at most `batch_size` pairs and kMaxBatchTokens tokens each);
  BatchPlan plan(const std::vector<PairEncoding>& encodings, size_t batch_size) const;
  // 3. run one batch: the pairs encodings[order[i]] for i in [begin, end) in one forward pass; their raw logits
  //    go to logits[order[i] * num_labels ...];
  void run_batch(const std::vector<PairEncoding>& encodings, const std::vector<size_t>& order, size_t begin,
                 size_t end, ForwardScratch& scratch, float* logits) const;
  // 4. apply the activation (Default = the model's) to `rows` rows of logits in place.
  void finish(float* logits, size_t rows, Activation activation) const override;

  // Upper bound on tokens per forward pass: bounds scratch memory (intermediate activations are
  // tokens * intermediate_size floats) while keeping GEMMs tall enough to run at full speed. 2048 rows are
  // 36 row tasks of the GEMM driver (plenty for the pool) and keep a forward pass's scratch near 30 MB for
  // MiniLM (8192 held ~65 MB at 4k tokens, most of the peak resident memory beyond the weights).
  static constexpr size_t kMaxBatchTokens = 2048;

 private:
  CrossEncoderModel() = default;
  std::unique_ptr<SequenceClassifier> classifier_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::shared_ptr<ThreadPool> pool_;
  size_t max_length_ = 0;
  Activation default_activation_ = Activation::Identity;
  PrecisionPlan precision_plan_;
  std::string gemm_kernel_name_;
  // Last: destroyed first, while the classifier and pool it uses still exist.
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace ce
