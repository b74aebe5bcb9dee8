// Element-wise activation kernels (GELU variants, ReLU, tanh).
#include "kernels/activations.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/gelu_vec16.h"
#include "kernels/isa_variants.h"
#include "kernels/vec16.h"
#include "runtime/thread_pool.h"

// Vec16 values pass between always-inlined helpers only; GCC's note about the AVX-512 vector ABI is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

float gelu_erf(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752440f)); }

float gelu_tanh(float x) {
  const float k = 0.79788456080286535588f;  // sqrt(2 / pi)
  return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

namespace {

// Whole blocks of 16 in place; the tail goes through a zero-padded block, so every value is computed by the
// same instructions wherever it sits in the array (bitwise reproducible across batch shapes).
__attribute__((always_inline)) inline void gelu_erf_fast_range_body(float* x, size_t n) {
  size_t i = 0;
  for (; i + kVecLanes <= n; i += kVecLanes) store_vec16(x + i, gelu_erf_vec16(load_vec16(x + i)));
  if (i < n) {
    float tail[kVecLanes] = {};
    std::memcpy(tail, x + i, (n - i) * sizeof(float));
    store_vec16(tail, gelu_erf_vec16(load_vec16(tail)));
    std::memcpy(x + i, tail, (n - i) * sizeof(float));
  }
}

// Once per ISA, chosen at run time (isa_variants.h).
CE_ISA_VARIANTS(gelu_erf_fast_range, (float* x, size_t n), (x, n))

void apply_range(HiddenActivation act, float* x, size_t n) {
  switch (act) {
    case HiddenActivation::GeluErf:
      for (size_t i = 0; i < n; ++i) x[i] = gelu_erf(x[i]);
      break;
    case HiddenActivation::GeluTanh:
      for (size_t i = 0; i < n; ++i) x[i] = gelu_tanh(x[i]);
      break;
    case HiddenActivation::Relu:
      for (size_t i = 0; i < n; ++i) x[i] = relu(x[i]);
      break;
  }
}

}  // namespace

void hidden_activation_reference(HiddenActivation act, float* x, size_t n) { apply_range(act, x, n); }

void hidden_activation(HiddenActivation act, float* x, size_t n, ThreadPool* pool) {
  auto run = [act, x](size_t b, size_t e) {
    if (act == HiddenActivation::GeluErf) {
      gelu_erf_fast_range(x + b, e - b);
    } else {
      apply_range(act, x + b, e - b);
    }
  };
  // Chunks are multiples of 16 values, so chunk boundaries never put an element in a padded tail block.
  constexpr size_t kGrain = 16384;
  if (pool == nullptr || pool->size() <= 1 || n < 2 * kGrain) {
    run(0, n);
    return;
  }
  pool->parallel_for(n, kGrain, run);
}

void tanh_inplace(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
}

}  // namespace ce
