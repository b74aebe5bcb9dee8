// Batch validation and op-set selection shared by every family's forward pass.
#include "model/sequence_classifier.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "model/sequence_parts.h"
#include "runtime/thread_pool.h"

namespace ce {

SequenceClassifier::SequenceClassifier(ModelInfo info)
    : info_(std::move(info)), scratch_pool_(std::make_unique<ScratchPool>()) {}
SequenceClassifier::SequenceClassifier(SequenceClassifier&&) noexcept = default;
SequenceClassifier::~SequenceClassifier() = default;

void SequenceClassifier::validate(const PackedBatch& batch) const {
  // Type ids a model never reads need only be valid int32 values (the lower bound is still checked).
  const int64_t type_limit = info_.uses_token_type_ids ? static_cast<int64_t>(info_.type_vocab_size)
                                                       : static_cast<int64_t>(INT32_MAX) + 1;
  validate_packed_batch(batch, BatchLimits{static_cast<int64_t>(info_.vocab_size), type_limit,
                                           static_cast<int64_t>(info_.max_sequence_length)});
}

void SequenceClassifier::run_validated(const Ops& ops, const PackedBatch& batch, float* logits,
                                       ForwardScratch* scratch) const {
  if (batch.num_sequences() == 0) return;
  ForwardScratch local;
  run(ops, batch, logits, scratch != nullptr ? *scratch : local);
}

void SequenceClassifier::forward_with(const Ops& ops, const PackedBatch& batch, float* logits,
                                      ForwardScratch* scratch) const {
  validate(batch);
  run_validated(ops, batch, logits, scratch);
}

void SequenceClassifier::forward(const PackedBatch& batch, float* logits, ThreadPool* pool,
                                 ForwardScratch* scratch) const {
  const size_t threads = pool != nullptr ? static_cast<size_t>(pool->size()) : 1;
  validate(batch);
  const std::vector<SequenceRange> parts =
      sequence_parallel_ ? split_for_threads(batch, threads) : std::vector<SequenceRange>{};
  if (parts.empty()) {
    run_validated(Ops::fast(pool), batch, logits, scratch);
    return;
  }
  // Each run of sequences forwarded by one thread alone, with scratch of its own (sequence_parts.h).
  const size_t labels = static_cast<size_t>(info_.num_labels);
  pool->parallel_for(parts.size(), 1, [&](size_t begin, size_t end) {
    std::unique_ptr<ForwardScratch> own = take_scratch();
    for (size_t p = begin; p < end; ++p) {
      const PackedBatch part = slice_sequences(batch, parts[p]);
      run(Ops::fast(nullptr), part, logits + parts[p].begin * labels, *own);
    }
    return_scratch(std::move(own));
  });
}

bool sequence_parallel_pays(const SequenceClassifier& model, std::optional<size_t> last_level_cache_bytes) {
  if (!last_level_cache_bytes) return false;
  size_t weights = 0;
  for (const LinearLayerFormat& layer : model.linear_layer_formats()) weights += layer.packed_bytes;
  return weights <= *last_level_cache_bytes / 4 * 3;
}

void SequenceClassifier::forward_reference(const PackedBatch& batch, float* logits) const {
  forward_with(Ops::reference(), batch, logits, nullptr);
}

}  // namespace ce
