// The interface every model family implements: packed token batches in, raw logits out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/forward_scratch.h"
#include "model/model_info.h"
#include "model/ops.h"
#include "model/packed_batch.h"
#include "model/precision.h"

namespace ce {

class ThreadPool;

// One packed Linear layer of a loaded model: its HF name, the role a precision plan reads, the format it holds
// and the bytes of its packed weights.
struct LinearLayerFormat {
  std::string name;
  LinearRole role;
  WeightFormat format;
  size_t packed_bytes = 0;
  const PackedLinear* layer = nullptr;  // the layer itself (the int8 load requantises it: int8_smoothing.h)
};

inline LinearLayerFormat linear_layer_format(std::string name, LinearRole role, const PackedLinear& linear) {
  return {std::move(name), role, linear.format(), linear.packed.size_bytes(), &linear};
}

class SequenceClassifier {
 public:
  virtual ~SequenceClassifier();
  SequenceClassifier(SequenceClassifier&&) noexcept;

  const ModelInfo& info() const { return info_; }
  void set_weights_summary(WeightsSummary summary) { info_.weights = std::move(summary); }

  // Writes num_sequences * num_labels raw logits (row-major) with the fast ops on `pool` (may be null: one
  // thread). Validates the batch against info() first (ce::Error InvalidArgument). Reentrant: scratch memory is
  // per call, or the caller's `scratch` (reused between calls that do not overlap; scores do not depend on it).
  // A batch long enough runs as runs of whole sequences, one thread each (sequence_parts.h), with scratch from
  // take_scratch(); the logits are the same bits either way.
  void forward(const PackedBatch& batch, float* logits, ThreadPool* pool, ForwardScratch* scratch = nullptr) const;
  // The same maths with the reference ops and no threads: the oracle the fast path is tested against.
  void forward_reference(const PackedBatch& batch, float* logits) const;
  // Any op set (validated like forward).
  void forward_with(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch* scratch) const;

  // Every packed Linear layer with the weight format it actually holds: what a precision really changed (tests,
  // diagnostics). Each family lists all of its layers, so none can run fp32 unseen under bf16/int8.
  virtual std::vector<LinearLayerFormat> linear_layer_formats() const = 0;

  // Whether forward() may run a long batch as runs of whole sequences, one thread each (sequence_parts.h); off
  // by default. It pays where the packed weights stay in the shared last-level cache while the threads are at
  // different layers (measured on MiniLM 2 threads: int8 10.6 MB and bf16 21 MB of weights in a 32 MB L3, 7-10%
  // and ~5% faster; fp32's 42 MB, up to 6% slower), so the loader enables it by that test
  // (sequence_parallel_pays). Scores are the same bits either way.
  void set_sequence_parallel(bool enabled) { sequence_parallel_ = enabled; }
  bool sequence_parallel() const { return sequence_parallel_; }

  // Scratch kept between calls (see ScratchPool): take one per call, give it back when done. Thread-safe.
  std::unique_ptr<ForwardScratch> take_scratch() const { return scratch_pool_->take(); }
  void return_scratch(std::unique_ptr<ForwardScratch> scratch) const { scratch_pool_->give_back(std::move(scratch)); }

 protected:
  explicit SequenceClassifier(ModelInfo info);
  // The family's forward pass, written once against `ops`; the batch is already validated.
  virtual void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const = 0;

 private:
  // Throws ce::Error(InvalidArgument) naming what in `batch` this model cannot take.
  void validate(const PackedBatch& batch) const;
  // run() on a validated batch (nothing for no sequences), with the caller's scratch or a local one.
  void run_validated(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch* scratch) const;

  ModelInfo info_;
  std::unique_ptr<ScratchPool> scratch_pool_;
  bool sequence_parallel_ = false;
};

// The loader's test for set_sequence_parallel: the packed Linear weights take at most 3/4 of the last-level
// cache (leaving room for the runs' activations); false when that size is unknown.
bool sequence_parallel_pays(const SequenceClassifier& model, std::optional<size_t> last_level_cache_bytes);

}  // namespace ce
