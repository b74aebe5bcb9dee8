// RoPE tables and their application to query/key rows.
#include "kernels/rotary.h"

#include <cmath>
#include <string>

#include "common/error.h"
#include "runtime/thread_pool.h"

namespace ce {

RotaryTable::RotaryTable(double theta, size_t head_dim, size_t positions)
    : theta_(theta), head_dim_(head_dim), positions_(positions) {
  if (head_dim == 0 || head_dim % 2 != 0)
    throw Error(ErrorCode::InvalidArgument, "RotaryTable: head_dim " + std::to_string(head_dim) +
                                                " must be positive and even");
  if (!(theta > 0) || !std::isfinite(theta))
    throw Error(ErrorCode::InvalidArgument, "RotaryTable: rope theta must be a positive finite number");
  const size_t half = head_dim / 2;
  std::vector<float> inv_freq(half);
  // transformers: 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float) / dim)), every step in fp32.
  const float base = static_cast<float>(theta);
  for (size_t i = 0; i < half; ++i) {
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(head_dim);
    const float power = static_cast<float>(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
    inv_freq[i] = 1.0f / power;
  }
  cos_.resize(positions * half);
  sin_.resize(positions * half);
  for (size_t p = 0; p < positions; ++p) {
    for (size_t i = 0; i < half; ++i) {
      // position_ids.float() * inv_freq: one fp32 product; its cos/sin are then taken (correctly rounded here).
      const float angle = static_cast<float>(p) * inv_freq[i];
      cos_[p * half + i] = static_cast<float>(std::cos(static_cast<double>(angle)));
      sin_[p * half + i] = static_cast<float>(std::sin(static_cast<double>(angle)));
    }
  }
}

namespace {

void rotate_row(const RotaryTable& table, float* row, size_t hidden, size_t position) {
  const size_t hd = table.head_dim(), half = hd / 2;
  const float* c = table.cos_row(position);
  const float* s = table.sin_row(position);
  for (size_t h = 0; h + hd <= hidden; h += hd) {
    float* x = row + h;
    for (size_t i = 0; i < half; ++i) {
      const float x1 = x[i], x2 = x[i + half];
      // (q * cos) + (rotate_half(q) * sin), rotate_half(q) = cat(-q2, q1): the same two products and one sum.
      x[i] = x1 * c[i] + (-x2) * s[i];
      x[i + half] = x2 * c[i] + x1 * s[i];
    }
  }
}

}  // namespace

void apply_rotary(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden,
                  ThreadPool* pool) {
  const size_t seqs = offsets.empty() ? 0 : offsets.size() - 1;
  auto body = [&](size_t b, size_t e) {
    for (size_t s = b; s < e; ++s)
      for (int32_t r = offsets[s]; r < offsets[s + 1]; ++r)
        rotate_row(table, x + static_cast<size_t>(r) * hidden, hidden, static_cast<size_t>(r - offsets[s]));
  };
  if (pool == nullptr || pool->size() <= 1 || seqs <= 1) {
    body(0, seqs);
  } else {
    pool->parallel_for(seqs, 1, body);
  }
}

}  // namespace ce
