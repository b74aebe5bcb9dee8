// LayerNorm kernels (reference and pooled) used after embeddings, attention and the feed-forward block.
#include "kernels/layernorm.h"

#include <cmath>

#include "runtime/thread_pool.h"

namespace ce {

namespace {

void norm_row(float* v, size_t width, const float* gamma, const float* beta, float eps) {
  // Double accumulation keeps mean/variance exact enough that the result matches torch's fp32 LayerNorm
  // (which uses a Welford reduction) far below the 1e-4 logits budget.
  double sum = 0.0;
  for (size_t i = 0; i < width; ++i) sum += v[i];
  const double mean = sum / static_cast<double>(width);
  double sq = 0.0;
  for (size_t i = 0; i < width; ++i) {
    const double d = v[i] - mean;
    sq += d * d;
  }
  const double var = sq / static_cast<double>(width);
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
