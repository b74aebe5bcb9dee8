// Bucketed relative positions and the c2p / p2c row index tables of DeBERTa's disentangled attention.
#include "model/deberta/relative_positions.h"

#include <algorithm>
#include <cmath>

namespace ce {

int64_t log_bucket_position(int64_t relative_position, int64_t bucket_size, int64_t max_position) {
  const int64_t mid = bucket_size / 2;
  const int64_t sign = relative_position > 0 ? 1 : (relative_position < 0 ? -1 : 0);
  // Inside (-mid, mid) the distance is kept; HF substitutes mid - 1 there only to keep the log finite.
  if (relative_position < mid && relative_position > -mid) return relative_position;
  const int64_t abs_pos = relative_position < 0 ? -relative_position : relative_position;
  if (abs_pos <= mid) return relative_position;
  // float32 throughout, in HF's order: log(abs / mid) / log((max - 1) / mid) * (mid - 1), ceil, + mid.
  const float ratio = static_cast<float>(abs_pos) / static_cast<float>(mid);
  const float base = static_cast<float>(static_cast<double>(max_position - 1) / static_cast<double>(mid));
  const float scaled = std::log(ratio) / std::log(base) * static_cast<float>(mid - 1);
  const float log_pos = std::ceil(scaled) + static_cast<float>(mid);
  return static_cast<int64_t>(log_pos) * sign;
}

RelativePositionIndex make_relative_position_index(size_t max_length, int64_t position_buckets,
                                                   int64_t max_relative_positions) {
  RelativePositionIndex index;
  index.max_length = max_length;
  const bool log_buckets = position_buckets > 0 && max_relative_positions > 0;
  index.span = static_cast<size_t>(position_buckets > 0 ? position_buckets : max_relative_positions);
  const int64_t span = static_cast<int64_t>(index.span);
  const auto bucket = [&](int64_t d) {
    return log_buckets ? log_bucket_position(d, position_buckets, max_relative_positions) : d;
  };
  const auto clamp_row = [&](int64_t row) { return static_cast<int32_t>(std::clamp<int64_t>(row, 0, 2 * span - 1)); };
  const int64_t n = static_cast<int64_t>(max_length);
  const size_t entries = max_length == 0 ? 0 : 2 * max_length - 1;
  index.c2p.resize(entries);
  index.p2c.resize(entries);
  for (int64_t d = -(n - 1); d <= n - 1; ++d) {
    index.c2p[static_cast<size_t>(d + n - 1)] = clamp_row(bucket(d) + span);
    index.p2c[static_cast<size_t>(d + n - 1)] = clamp_row(span - bucket(-d));
  }
  return index;
}

}  // namespace ce
