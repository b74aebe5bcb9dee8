// BertForSequenceClassification forward pass on a packed batch of variable-length sequences (no padding).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "io/safetensors.h"
#include "kernels/gemm.h"
#include "model/bert_config.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

// Token rows of several sequences laid end to end: sequence s owns rows [seq_offsets[s], seq_offsets[s+1]).
struct PackedBatch {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> token_type_ids;
  std::vector<int32_t> seq_offsets;  // size = sequences + 1, starts at 0, non-decreasing, last = rows
  size_t num_sequences() const { return seq_offsets.empty() ? 0 : seq_offsets.size() - 1; }
};

struct LayerNormWeights { std::vector<float> gamma, beta; };

struct BertLayerWeights {
  PackedLinear query, key, value, attention_output, intermediate, output;
  LayerNormWeights attention_norm, output_norm;
};

// The word-embedding table, [vocab][hidden] fp32: in memory, or, for an F32 checkpoint, read from the weights
// file row by row as tokens need them (pread through the page cache). It is half of MiniLM's weights (47 MB)
// and a call reads only the rows of its tokens: from the file it costs no load time and no resident memory.
// The file stays open; if it is truncated while the model is loaded, a call fails with FileUnreadable.
class EmbeddingTable {
 public:
  EmbeddingTable() = default;
  EmbeddingTable(std::vector<float> values, size_t width);
  EmbeddingTable(FileF32 file, size_t rows, size_t width);
  size_t size() const { return rows_ * width_; }
  bool in_memory() const { return !file_.has_value(); }
  // Row `r` (< rows): a pointer into the table in memory; from the file, `buf` (width floats) filled and returned.
  const float* row(size_t r, float* buf) const;

 private:
  std::vector<float> values_;
  std::optional<FileF32> file_;
  size_t rows_ = 0, width_ = 0;
};

struct BertWeights {
  EmbeddingTable word_embeddings;
  std::vector<float> position_embeddings, token_type_embeddings;  // row-major [n][hidden]
  LayerNormWeights embedding_norm;
  std::vector<BertLayerWeights> layers;
  PackedLinear pooler, classifier;
};

// Reads every tensor by its HF name (`bert.` prefix optional; legacy LayerNorm gamma/beta accepted),
// validates shapes against `config`, converts to fp32. Throws ce::Error naming the tensor on mismatch.
// With a pool, the layers are converted and packed on its threads; the error reported is the one the serial
// order (embeddings, layers in order, pooler, classifier) would have met first.
// `embeddings_in_memory`: false reads an F32 word-embedding table from the file as needed (see EmbeddingTable);
// true, and any F16/BF16 table, is converted into memory.
BertWeights load_bert_weights(const SafetensorsCheckpoint& checkpoint, const BertConfig& config,
                              ThreadPool* pool = nullptr, bool embeddings_in_memory = false);

// Activation buffers of forward passes, kept between the passes of one predict call so each pass does not
// allocate (and page-fault and zero) tens of MB again. Grows to the largest pass it served; not thread-safe:
// one per concurrent caller. Buffers are uninitialised memory that every pass writes before reading.
class ForwardScratch {
 public:
  ForwardScratch();
  ~ForwardScratch();
  ForwardScratch(const ForwardScratch&) = delete;
  ForwardScratch& operator=(const ForwardScratch&) = delete;
  struct Buffers;
  Buffers& buffers() { return *buffers_; }

 private:
  std::unique_ptr<Buffers> buffers_;
};

class BertModel {
 public:
  BertModel(BertConfig config, BertWeights weights);
  BertModel(BertModel&&) noexcept;
  ~BertModel();
  const BertConfig& config() const { return config_; }

  // Writes num_sequences * num_labels raw logits (row-major). Validates ids < vocab, type ids < type_vocab,
  // sequence length <= max_position_embeddings (ce::Error InvalidArgument otherwise).
  // `pool` may be null (single-threaded). Reentrant: scratch memory is per call, or the caller's `scratch`
  // (reused between calls that do not overlap; scores do not depend on it).
  void forward(const PackedBatch& batch, float* logits, ThreadPool* pool, ForwardScratch* scratch = nullptr) const;

  // Same maths with linear_reference and no threads: the oracle the fast path is tested against.
  void forward_reference(const PackedBatch& batch, float* logits) const;

  // Scratch kept between calls, so a caller's forward passes do not page-fault their activation buffers in
  // again each call: take one per call (never shared by overlapping calls), give it back when done. The model
  // keeps at most one per call that ran at the same time, each as large as the largest pass it served
  // (about 20 MB for 2048 MiniLM tokens). Thread-safe.
  std::unique_ptr<ForwardScratch> take_scratch() const;
  void return_scratch(std::unique_ptr<ForwardScratch> scratch) const;

 private:
  struct ScratchPool;
  BertConfig config_;
  BertWeights weights_;
  std::unique_ptr<ScratchPool> scratch_pool_;
};

}  // namespace ce
