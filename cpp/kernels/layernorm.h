// LayerNorm over the last dimension: y = (x - mean) / sqrt(var + eps) * gamma + beta, in place, per row.
#pragma once

#include <cstddef>

namespace ce {

class ThreadPool;

// A LayerNorm's parameters, for ops that apply it to rows right after their last write (gemm.h, feed_forward.h):
// the row width is the op's output width.
struct LayerNormParams {
  const float* gamma;
  const float* beta;
  float eps;
};

// Reference: two passes in double for mean and (biased) variance, as PyTorch's numerically careful path.
void layer_norm_reference(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps);

// Fast: same maths (the reduction is cheap next to the GEMMs), rows split over the pool; per-row bitwise
// identical to the reference, so determinism is inherited.
void layer_norm(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps,
                ThreadPool* pool);

// Fused residual + LayerNorm: x = LayerNorm(x + residual).
void add_layer_norm(float* x, const float* residual, size_t rows, size_t width, const float* gamma,
                    const float* beta, float eps, ThreadPool* pool);

}  // namespace ce
