// The interface every model family implements: packed token batches in, raw logits out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/forward_scratch.h"
#include "model/model_info.h"
#include "model/ops.h"
#include "model/packed_batch.h"
#include "model/precision.h"

namespace ce {

class ThreadPool;

// One packed Linear layer of a loaded model: its HF name, the role a precision plan reads, the format it holds.
struct LinearLayerFormat {
  std::string name;
  LinearRole role;
  WeightFormat format;
};

class SequenceClassifier {
 public:
  virtual ~SequenceClassifier();
  SequenceClassifier(SequenceClassifier&&) noexcept;

  const ModelInfo& info() const { return info_; }
  void set_weights_summary(WeightsSummary summary) { info_.weights = std::move(summary); }

  // Writes num_sequences * num_labels raw logits (row-major) with the fast ops on `pool` (may be null: one
  // thread). Validates the batch against info() first (ce::Error InvalidArgument). Reentrant: scratch memory is
  // per call, or the caller's `scratch` (reused between calls that do not overlap; scores do not depend on it).
  void forward(const PackedBatch& batch, float* logits, ThreadPool* pool, ForwardScratch* scratch = nullptr) const;
  // The same maths with the reference ops and no threads: the oracle the fast path is tested against.
  void forward_reference(const PackedBatch& batch, float* logits) const;
  // Any op set (validated like forward).
  void forward_with(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch* scratch) const;

  // Every packed Linear layer with the weight format it actually holds: what a precision really changed (tests,
  // diagnostics). Each family lists all of its layers, so none can run fp32 unseen under bf16/int8.
  virtual std::vector<LinearLayerFormat> linear_layer_formats() const = 0;

  // Scratch kept between calls (see ScratchPool): take one per call, give it back when done. Thread-safe.
  std::unique_ptr<ForwardScratch> take_scratch() const { return scratch_pool_->take(); }
  void return_scratch(std::unique_ptr<ForwardScratch> scratch) const { scratch_pool_->give_back(std::move(scratch)); }

 protected:
  explicit SequenceClassifier(ModelInfo info);
  // The family's forward pass, written once against `ops`; the batch is already validated.
  virtual void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const = 0;

 private:
  ModelInfo info_;
  std::unique_ptr<ScratchPool> scratch_pool_;
};

}  // namespace ce
