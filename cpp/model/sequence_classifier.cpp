// Batch validation and op-set selection shared by every family's forward pass.
#include "model/sequence_classifier.h"

#include <cstdint>
#include <utility>

namespace ce {

SequenceClassifier::SequenceClassifier(ModelInfo info)
    : info_(std::move(info)), scratch_pool_(std::make_unique<ScratchPool>()) {}
SequenceClassifier::SequenceClassifier(SequenceClassifier&&) noexcept = default;
SequenceClassifier::~SequenceClassifier() = default;

void SequenceClassifier::forward_with(const Ops& ops, const PackedBatch& batch, float* logits,
                                      ForwardScratch* scratch) const {
  // Type ids a model never reads need only be valid int32 values (the lower bound is still checked).
  const int64_t type_limit = info_.uses_token_type_ids ? static_cast<int64_t>(info_.type_vocab_size)
                                                       : static_cast<int64_t>(INT32_MAX) + 1;
  validate_packed_batch(batch, BatchLimits{static_cast<int64_t>(info_.vocab_size), type_limit,
                                           static_cast<int64_t>(info_.max_sequence_length)});
  if (batch.num_sequences() == 0) return;
  ForwardScratch local;
  run(ops, batch, logits, scratch != nullptr ? *scratch : local);
}

void SequenceClassifier::forward(const PackedBatch& batch, float* logits, ThreadPool* pool,
                                 ForwardScratch* scratch) const {
  forward_with(Ops::fast(pool), batch, logits, scratch);
}

void SequenceClassifier::forward_reference(const PackedBatch& batch, float* logits) const {
  forward_with(Ops::reference(), batch, logits, nullptr);
}

}  // namespace ce
