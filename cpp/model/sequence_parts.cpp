// Runs of whole sequences per thread (see sequence_parts.h).
#include "model/sequence_parts.h"

namespace ce {

namespace {

// Tokens below which a run's GEMMs stream each layer's weights for too few rows (measured: one 128-token pair
// per thread already ran faster than the row-parallel batch).
constexpr size_t kMinRowsPerPart = 128;
// Runs per thread: several, so a thread slowed by the (shared) machine does not hold the others up for long
// (measured on MiniLM int8 at 2 threads: 1 run per thread lost the gain; 2, 4 and 8 kept it, 4 best).
constexpr size_t kPartsPerThread = 4;

}  // namespace

std::vector<SequenceRange> split_for_threads(const PackedBatch& batch, size_t threads) {
  const size_t sequences = batch.num_sequences();
  if (threads <= 1 || sequences < 2 * threads) return {};
  const size_t rows = static_cast<size_t>(batch.seq_offsets.back());
  if (rows < threads * kPartsPerThread * kMinRowsPerPart) return {};
  // Consecutive runs of about rows / (threads * kPartsPerThread) tokens each; a run ends at the sequence that
  // reaches its share.
  const size_t target = rows / (threads * kPartsPerThread);
  std::vector<SequenceRange> parts;
  size_t begin = 0;
  for (size_t s = 0; s < sequences; ++s) {
    // A sequence longer than a run's share would be one thread's work while the others wait (one long
    // document among short ones): such a batch runs row-parallel, which splits every op of it.
    if (static_cast<size_t>(batch.seq_offsets[s + 1] - batch.seq_offsets[s]) > target) return {};
    const size_t run_rows = static_cast<size_t>(batch.seq_offsets[s + 1] - batch.seq_offsets[begin]);
    if (run_rows >= target || s + 1 == sequences) {
      parts.push_back({begin, s + 1});
      begin = s + 1;
    }
  }
  if (parts.size() < threads) return {};
  return parts;
}

PackedBatch slice_sequences(const PackedBatch& batch, SequenceRange range) {
  const auto first = static_cast<size_t>(batch.seq_offsets[range.begin]);
  const auto last = static_cast<size_t>(batch.seq_offsets[range.end]);
  PackedBatch part;
  part.input_ids.assign(batch.input_ids.begin() + first, batch.input_ids.begin() + last);
  part.token_type_ids.assign(batch.token_type_ids.begin() + first, batch.token_type_ids.begin() + last);
  part.seq_offsets.reserve(range.end - range.begin + 1);
  for (size_t s = range.begin; s <= range.end; ++s)
    part.seq_offsets.push_back(batch.seq_offsets[s] - batch.seq_offsets[range.begin]);
  return part;
}

}  // namespace ce
