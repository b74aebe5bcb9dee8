// Rotary position embedding (RoPE, "rotate half" layout as transformers' apply_rotary_pos_emb) on packed q/k rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

class ThreadPool;

// cos/sin of position * inv_freq for every position below `positions` and each of the head_dim / 2 frequencies,
// computed as transformers' default RoPE does in fp32: inv_freq = 1 / theta^(2i / head_dim), angle = pos * inv_freq
// rounded to float, then cos/sin of that float.
class RotaryTable {
 public:
  RotaryTable() = default;
  // Throws ce::Error(InvalidArgument) for an odd or zero head_dim, a non-positive or non-finite theta.
  RotaryTable(double theta, size_t head_dim, size_t positions);
  size_t head_dim() const { return head_dim_; }
  size_t positions() const { return positions_; }
  double theta() const { return theta_; }
  // Row of head_dim / 2 values for `position` (< positions()).
  const float* cos_row(size_t position) const { return cos_.data() + position * (head_dim_ / 2); }
  const float* sin_row(size_t position) const { return sin_.data() + position * (head_dim_ / 2); }

 private:
  double theta_ = 0;
  size_t head_dim_ = 0, positions_ = 0;
  std::vector<float> cos_, sin_;
};

// Rotates every head of `rows` packed rows of x (row stride `hidden`, heads of table.head_dim() columns) in place.
// Sequence s owns rows [offsets[s], offsets[s+1]), and row offsets[s] + t sits at position t (the rows of a
// sequence are a prefix of it: all its tokens, or only [CLS]). Per element: x_i cos - x_{i+d/2} sin for the first
// half, x_i cos + x_{i-d/2} sin for the second, in fp32 as PyTorch. Positions must be below table.positions()
// (the caller's batch validation guarantees it). Rows are split over `pool` (may be null); every element's
// result is the same whatever the split.
void apply_rotary(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden,
                  ThreadPool* pool);

}  // namespace ce
