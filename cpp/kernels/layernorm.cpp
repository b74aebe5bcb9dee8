// LayerNorm kernels (reference and pooled) used after embeddings, attention and the feed-forward block.
#include "kernels/layernorm.h"

#include <cmath>

#include "runtime/thread_pool.h"

namespace ce {

namespace {

// Sum of v[i] (squared = false) or of (v[i] - mean)^2 (squared = true) in double, over kChains interleaved
// chains (element i goes to chain i % kChains) added up in chain order at the end. A fixed order, so the bits
// depend on nothing but the row; and kChains independent adds per step instead of one chain that waits out
// the add latency at every element (that chain made LayerNorm ~4% of a forward pass).
constexpr size_t kChains = 8;

template <bool kSquared>
double chained_sum(const float* v, size_t width, double mean) {
  double acc[kChains] = {};
  size_t i = 0;
  for (; i + kChains <= width; i += kChains) {
    for (size_t j = 0; j < kChains; ++j) {
      const double x = kSquared ? v[i + j] - mean : v[i + j];
      acc[j] += kSquared ? x * x : x;
    }
  }
  for (size_t j = 0; i < width; ++i, ++j) {
    const double x = kSquared ? v[i] - mean : v[i];
    acc[j] += kSquared ? x * x : x;
  }
  double total = 0.0;
  for (size_t j = 0; j < kChains; ++j) total += acc[j];
  return total;
}

void norm_row(float* v, size_t width, const float* gamma, const float* beta, float eps) {
  // Double accumulation keeps mean/variance exact enough that the result matches torch's fp32 LayerNorm
  // (which uses a Welford reduction) far below the 1e-4 logits budget.
  const double mean = chained_sum<false>(v, width, 0.0) / static_cast<double>(width);
  const double var = chained_sum<true>(v, width, mean) / static_cast<double>(width);
  const float inv = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(eps)));
  const float m = static_cast<float>(mean);
  for (size_t i = 0; i < width; ++i) v[i] = (v[i] - m) * inv * gamma[i] + beta[i];
}

void for_rows(size_t rows, ThreadPool* pool, const std::function<void(size_t, size_t)>& body) {
  if (pool == nullptr || pool->size() <= 1 || rows < 16) {
    body(0, rows);
  } else {
    pool->parallel_for(rows, 8, body);
  }
}

}  // namespace

void layer_norm_reference(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps) {
  for (size_t r = 0; r < rows; ++r) norm_row(x + r * width, width, gamma, beta, eps);
}

void layer_norm(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps,
                ThreadPool* pool) {
  for_rows(rows, pool, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) norm_row(x + r * width, width, gamma, beta, eps);
  });
}

void add_layer_norm(float* x, const float* residual, size_t rows, size_t width, const float* gamma,
                    const float* beta, float eps, ThreadPool* pool) {
  for_rows(rows, pool, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      float* v = x + r * width;
      const float* res = residual + r * width;
      for (size_t i = 0; i < width; ++i) v[i] += res[i];
      norm_row(v, width, gamma, beta, eps);
    }
  });
}

}  // namespace ce
