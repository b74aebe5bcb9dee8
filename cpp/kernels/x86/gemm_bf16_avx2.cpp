// AVX2+FMA GEMM micro-kernel, BF16 weights: 4 rows x 16 columns; bf16 widened to fp32 by shifts, then FMAs in k
// order (each product of two bf16 values is exact, so the bits are the reference's). For CPUs without AVX512-BF16.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 4 x 2 accumulators + 4 widened weight vectors + the high-half mask + 2 widened row values = 15 ymm.
constexpr int kMR = 4;

template <int kRows>
__attribute__((target("avx2,fma"))) void kernel(const uint16_t* __restrict a, size_t lda,
                                                const uint16_t* __restrict b, int kc, float* __restrict acc,
                                                size_t ldacc, bool accumulate) {
  __m256 lo[kRows], hi[kRows];
  for (int r = 0; r < kRows; ++r) {
    lo[r] = accumulate ? _mm256_loadu_ps(acc + r * ldacc) : _mm256_setzero_ps();
    hi[r] = accumulate ? _mm256_loadu_ps(acc + r * ldacc + 8) : _mm256_setzero_ps();
  }
  const __m256i high_half = _mm256_set1_epi32(static_cast<int>(0xFFFF0000u));
  for (int k = 0; k < kc; k += 2) {
    // A panel row is 16 32-bit lanes, column j's value at k in the low half, at k + 1 in the high half.
    const uint16_t* row = b + static_cast<size_t>(k) * kGemmNR;
    const __m256i p0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row));
    const __m256i p1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 16));
    _mm_prefetch(reinterpret_cast<const char*>(row + 2 * kGemmPrefetchSteps * kGemmNR), _MM_HINT_T0);
    const __m256 even0 = _mm256_castsi256_ps(_mm256_slli_epi32(p0, 16));
    const __m256 even1 = _mm256_castsi256_ps(_mm256_slli_epi32(p1, 16));
    const __m256 odd0 = _mm256_castsi256_ps(_mm256_and_si256(p0, high_half));
    const __m256 odd1 = _mm256_castsi256_ps(_mm256_and_si256(p1, high_half));
    for (int r = 0; r < kRows; ++r) {
      int32_t pair;
      std::memcpy(&pair, a + r * lda + k, sizeof pair);
      const __m256i x = _mm256_set1_epi32(pair);
      const __m256 xe = _mm256_castsi256_ps(_mm256_slli_epi32(x, 16));
      const __m256 xo = _mm256_castsi256_ps(_mm256_and_si256(x, high_half));
      lo[r] = _mm256_fmadd_ps(xe, even0, lo[r]);
      hi[r] = _mm256_fmadd_ps(xe, even1, hi[r]);
      lo[r] = _mm256_fmadd_ps(xo, odd0, lo[r]);
      hi[r] = _mm256_fmadd_ps(xo, odd1, hi[r]);
    }
  }
  for (int r = 0; r < kRows; ++r) {
    _mm256_storeu_ps(acc + r * ldacc, lo[r]);
    _mm256_storeu_ps(acc + r * ldacc + 8, hi[r]);
  }
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const uint16_t*, size_t, const uint16_t*, int, float*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>, kernel<3>, kernel<4>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const uint16_t*>(a), lda,
                                                    static_cast<const uint16_t*>(b0), kc, static_cast<float*>(acc),
                                                    ldacc, accumulate);
}

}  // namespace

const GemmKernel kGemmBf16Avx2Kernel{.name = "avx2-bf16", .isa = Isa::Avx2, .format = WeightFormat::BF16,
                                     .mr = kMR, .panels = 1, .run_converted = run};

}  // namespace ce
