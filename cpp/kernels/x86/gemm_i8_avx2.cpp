// AVX2 GEMM micro-kernel, I8 weights: 2 rows x 16 columns. Both operands sign-extended to int16 and multiplied
// by VPMADDWD (pairs of products summed into int32: at most 2 x 127 x 127, no saturation, unlike VPMADDUBSW's
// int16 sums), so the int32 totals are exact. For CPUs without AVX512-VNNI.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// Per row 4 accumulators of 8 int32 lanes (columns 4q..4q+3, each as two partial sums: k pairs (0,1) and (2,3)),
// + 4 widened weight vectors + the widened row value = 13 ymm.
constexpr int kMR = 2;

template <int kRows>
__attribute__((target("avx2"))) void kernel(const int8_t* __restrict a, size_t lda, const int8_t* __restrict b,
                                            int kc, int32_t* __restrict acc, size_t ldacc, bool accumulate) {
  __m256i c[kRows][4];
  for (int r = 0; r < kRows; ++r)
    for (int q = 0; q < 4; ++q) c[r][q] = _mm256_setzero_si256();
  for (int k = 0; k < kc; k += 4) {
    // A panel row: 16 columns x 4 bytes; 16 bytes (4 columns x k..k+3) widen to one vector of 16 int16.
    const int8_t* row = b + static_cast<size_t>(k) * kGemmNR;
    __m256i w[4];
    for (int q = 0; q < 4; ++q)
      w[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 16 * q)));
    _mm_prefetch(reinterpret_cast<const char*>(row + 4 * kGemmPrefetchSteps * kGemmNR), _MM_HINT_T0);
    for (int r = 0; r < kRows; ++r) {
      int32_t group;
      std::memcpy(&group, a + r * lda + k, sizeof group);
      // The row's four values as int16, repeated in every 64-bit lane.
      const __m128i x16 = _mm_cvtepi8_epi16(_mm_cvtsi32_si128(group));
      const __m256i x = _mm256_broadcastq_epi64(x16);
      for (int q = 0; q < 4; ++q) c[r][q] = _mm256_add_epi32(c[r][q], _mm256_madd_epi16(w[q], x));
    }
  }
  for (int r = 0; r < kRows; ++r) {
    // Lane pairs (col, k01) + (col, k23) -> one sum per column: HADD works within 128-bit halves, giving
    // columns (0,1,4,5 | 2,3,6,7) of the two vectors; a 64-bit permute puts them in order.
    const __m256i s0 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c[r][0], c[r][1]), 0xD8);
    const __m256i s1 = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c[r][2], c[r][3]), 0xD8);
    __m256i* out0 = reinterpret_cast<__m256i*>(acc + r * ldacc);
    __m256i* out1 = reinterpret_cast<__m256i*>(acc + r * ldacc + 8);
    if (accumulate) {
      _mm256_storeu_si256(out0, _mm256_add_epi32(_mm256_loadu_si256(out0), s0));
      _mm256_storeu_si256(out1, _mm256_add_epi32(_mm256_loadu_si256(out1), s1));
    } else {
      _mm256_storeu_si256(out0, s0);
      _mm256_storeu_si256(out1, s1);
    }
  }
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const int8_t*, size_t, const int8_t*, int, int32_t*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const int8_t*>(a), lda,
                                                    static_cast<const int8_t*>(b0), kc, static_cast<int32_t*>(acc),
                                                    ldacc, accumulate);
}

}  // namespace

const GemmKernel kGemmI8Avx2Kernel{.name = "avx2-int8", .isa = Isa::Avx2, .format = WeightFormat::I8, .mr = kMR,
                                   .panels = 1, .run_converted = run};

}  // namespace ce
