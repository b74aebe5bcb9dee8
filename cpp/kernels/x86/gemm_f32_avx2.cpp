// AVX2+FMA GEMM micro-kernel, F32 weights: 6 rows x 16 columns (one weight panel) in 12 ymm accumulators.
#include <immintrin.h>

#include <cstddef>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 6 x 2 accumulators + 2 weight vectors + 1 broadcast = 15 of the 16 ymm registers.
constexpr int kMR = 6;

template <bool kLoad>
__attribute__((target("avx2,fma"))) void kernel(const float* __restrict a, const float* __restrict b0, int kc,
                                                float* __restrict acc, size_t ldacc) {
  __m256 lo[kMR], hi[kMR];
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    lo[r] = kLoad ? _mm256_loadu_ps(acc + r * ldacc) : _mm256_setzero_ps();
    hi[r] = kLoad ? _mm256_loadu_ps(acc + r * ldacc + 8) : _mm256_setzero_ps();
  }
  for (int k = 0; k < kc; ++k) {
    const __m256 w0 = _mm256_loadu_ps(b0 + static_cast<size_t>(k) * kGemmNR);
    const __m256 w1 = _mm256_loadu_ps(b0 + static_cast<size_t>(k) * kGemmNR + 8);
    _mm_prefetch(reinterpret_cast<const char*>(b0 + static_cast<size_t>(k + kGemmPrefetchSteps) * kGemmNR),
                 _MM_HINT_T0);  // past the panel's end is harmless
    const float* ak = a + static_cast<size_t>(k) * kMR;
#pragma GCC unroll 6
    for (int r = 0; r < kMR; ++r) {
      const __m256 x = _mm256_broadcast_ss(ak + r);
      lo[r] = _mm256_fmadd_ps(x, w0, lo[r]);
      hi[r] = _mm256_fmadd_ps(x, w1, hi[r]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    _mm256_storeu_ps(acc + r * ldacc, lo[r]);
    _mm256_storeu_ps(acc + r * ldacc + 8, hi[r]);
  }
}

void run(const float* a, const void* b0_bytes, const void*, int kc, float* acc, size_t ldacc, bool accumulate) {
  const auto* b0 = static_cast<const float*>(b0_bytes);
  if (accumulate)
    kernel<true>(a, b0, kc, acc, ldacc);
  else
    kernel<false>(a, b0, kc, acc, ldacc);
}

}  // namespace

const GemmKernel kGemmF32Avx2Kernel{
    .name = "avx2-f32", .isa = Isa::Avx2, .format = WeightFormat::F32, .mr = kMR, .panels = 1, .run = run};

}  // namespace ce
