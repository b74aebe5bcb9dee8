// The core's public C++ API: load a cross-encoder directory, tokenize pairs, score them on the core's pool.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/activation.h"
#include "model/bert_config.h"
#include "tokenizer/tokenizer.h"

namespace ce {

class BertModel;
class ThreadPool;


struct LoadOptions {
  int threads = 0;         // compute threads; 0 = physical cores
  size_t max_length = 0;   // 0 = min(tokenizer model_max_length, max_position_embeddings)
  // false: an F32 word-embedding table is read from the weights file row by row as tokens need it (see
  // EmbeddingTable); true: copied into memory at load, like F16/BF16 tables always are.
  bool embeddings_in_memory = false;
};

// What the weights file held, summarised at load from the validated safetensors header.
struct WeightsSummary {
  std::vector<std::pair<std::string, uint64_t>> parameters_by_dtype;  // e.g. {"F16", 2376193}, sorted by name
  uint64_t parameters = 0;
  uint64_t file_bytes = 0;
};

// Options of one predict call (the binding fills it from the JS options object, by name).
struct PredictOptions {
  Activation activation = Activation::Default;
  size_t batch_size = 32;                  // >= 1: pairs per forward pass; results do not depend on it
  const std::atomic<bool>* cancel = nullptr;  // polled between batches -> ce::Error(Cancelled)
};

struct TextPair {
  std::string a;
  std::string b;
};

class CrossEncoderModel {
 public:
  // Reads config.json, model.safetensors and the tokenizer files of `model_dir`. Throws ce::Error.
  static std::shared_ptr<CrossEncoderModel> load(const std::string& model_dir, const LoadOptions& options);
  ~CrossEncoderModel();

  const BertConfig& config() const { return config_; }
  size_t max_length() const { return max_length_; }
  int num_labels() const { return config_.num_labels; }
  // The activation `Default` resolves to: from config (Sigmoid/Identity/Tanh/Softmax) or Sigmoid for one
  // label and Identity otherwise. Unknown activation classes fail at load with UnsupportedArchitecture.
  Activation default_activation() const { return default_activation_; }
  ThreadPool& pool() const { return *pool_; }
  const WeightsSummary& weights_summary() const { return weights_summary_; }
  // Name of the GEMM kernel family in use ("avx512", "avx2", "neon", "portable").
  const char* gemm_kernel_name() const;

  PairEncoding tokenize(std::string_view a, std::string_view b) const;

  // Scores pairs (blocking; uses the pool's threads for the maths). Output: pairs.size() * num_labels,
  // row-major, activation applied. `batch_size` (>= 1) bounds how many pairs share one forward pass; the
  // result does not depend on it. `cancel` (may be null) is polled between batches -> ce::Error(Cancelled).
  std::vector<float> predict(const std::vector<TextPair>& pairs, const PredictOptions& options) const;
  std::vector<float> predict(const std::vector<TextPair>& pairs, Activation activation, size_t batch_size,
                             const std::atomic<bool>* cancel) const {
    return predict(pairs, PredictOptions{activation, batch_size, cancel});
  }

 private:
  CrossEncoderModel(BertConfig config, std::shared_ptr<const Tokenizer> tokenizer);
  BertConfig config_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  size_t max_length_ = 0;
  Activation default_activation_ = Activation::Identity;
  WeightsSummary weights_summary_;
  std::unique_ptr<BertModel> model_;
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace ce
