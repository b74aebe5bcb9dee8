// AVX2 GEMM micro-kernel, I8 weights: 4 rows x 16 columns. VPMADDUBSW multiplies unsigned by signed bytes and sums
// pairs into int16 with saturation; feeding it |x| and sign(x) * w (VPSIGNB) keeps every pair within
// 2 x 127 x 127 = 32258 < 32767 (symmetric quantisation never yields -128), so nothing saturates; VPMADDWD by
// ones then sums each column's four products into int32, exactly. For CPUs without AVX512-VNNI.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 4 x 2 accumulators (8 int32 columns each) + 2 weight vectors + ones + a row's |x|, signed weights and
// products = 16 ymm at most.
constexpr int kMR = 4;

template <int kRows>
__attribute__((target("avx2"))) void kernel(const int8_t* __restrict a, size_t lda, const int8_t* __restrict b,
                                            int kc, int32_t* __restrict acc, size_t ldacc, bool accumulate) {
  __m256i c[kRows][2];
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h)
      c[r][h] = accumulate ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + r * ldacc + 8 * h))
                           : _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi16(1);
  for (int k = 0; k < kc; k += 4) {
    // A panel row: 16 columns x 4 bytes; each 32-bit lane is one column's four values at k..k+3.
    const int8_t* row = b + static_cast<size_t>(k) * kGemmNR;
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 32));
    _mm_prefetch(reinterpret_cast<const char*>(row + 4 * kGemmPrefetchSteps * kGemmNR), _MM_HINT_T0);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      int32_t group;
      std::memcpy(&group, a + r * lda + k, sizeof group);
      const __m256i x = _mm256_set1_epi32(group);  // the row's four values in every lane, matching each column's
      const __m256i ax = _mm256_abs_epi8(x);
      const __m256i p0 = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(w0, x));
      const __m256i p1 = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(w1, x));
      c[r][0] = _mm256_add_epi32(c[r][0], _mm256_madd_epi16(p0, ones));
      c[r][1] = _mm256_add_epi32(c[r][1], _mm256_madd_epi16(p1, ones));
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + r * ldacc + 8 * h), c[r][h]);
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const int8_t*, size_t, const int8_t*, int, int32_t*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>, kernel<3>, kernel<4>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const int8_t*>(a), lda,
                                                    static_cast<const int8_t*>(b0), kc, static_cast<int32_t*>(acc),
                                                    ldacc, accumulate);
}

}  // namespace

const GemmKernel kGemmI8Avx2Kernel{.name = "avx2-int8", .isa = Isa::Avx2, .format = WeightFormat::I8, .mr = kMR,
                                   .panels = 1, .run_converted = run};

}  // namespace ce
