// Token rows of several sequences laid end to end (no padding), and their validation against a model's limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

// Sequence s owns rows [seq_offsets[s], seq_offsets[s+1]).
struct PackedBatch {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> token_type_ids;
  std::vector<int32_t> seq_offsets;  // size = sequences + 1, starts at 0, non-decreasing, last = rows
  size_t num_sequences() const { return seq_offsets.empty() ? 0 : seq_offsets.size() - 1; }
};

// What a model accepts: ids below vocab_size, type ids below type_vocab_size, at most max_sequence_length tokens.
struct BatchLimits {
  int64_t vocab_size = 0;
  int64_t type_vocab_size = 0;
  int64_t max_sequence_length = 0;
};

// Throws ce::Error(InvalidArgument) naming the field, sequence and value that is out of range, before any
// memory is touched by a forward pass.
void validate_packed_batch(const PackedBatch& batch, const BatchLimits& limits);

}  // namespace ce
