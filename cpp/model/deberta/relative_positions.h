// DeBERTa's relative positions: the (log-)bucketed distance between a query and a key token, and the rows of the
// relative-position projections that c2p and p2c read for each distance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

// transformers' make_log_bucket_position for one distance: |d| < bucket_size / 2 stays as is, longer distances
// are compressed logarithmically so that max_position maps to bucket_size - 1 (past it the value keeps
// growing; the attention clamps it). Computed in float32 as PyTorch does, so ceil sees the same value.
int64_t log_bucket_position(int64_t relative_position, int64_t bucket_size, int64_t max_position);

// For every distance d = query position - key position in [-(max_length - 1), max_length - 1], at
// [d + max_length - 1], the row of the 2 * span relative-embedding projections each term reads:
//   c2p: clamp(r(d) + span, 0, 2 span - 1)       (query content x key-position projection)
//   p2c: clamp(span - r(-d), 0, 2 span - 1)      (key content x query-position projection)
// where r is the bucketed distance (log_bucket_position with buckets > 0, the raw distance otherwise) and span
// is position_buckets (> 0) or max_relative_positions.
struct RelativePositionIndex {
  size_t max_length = 0;
  size_t span = 0;
  std::vector<int32_t> c2p, p2c;  // 2 * max_length - 1 entries each
};

RelativePositionIndex make_relative_position_index(size_t max_length, int64_t position_buckets,
                                                   int64_t max_relative_positions);

}  // namespace ce
