// AVX512-VNNI GEMM micro-kernel, I8 weights: 14 rows x 32 columns (two weight panels) in 28 zmm int32
// accumulators, one VPDPBUSD per row and panel for each four k values (activations + 128 as uint8 times the int8 weights; the
// driver subtracts 128 x the column sums, exactly).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// As the F32 AVX-512 kernel: 28 accumulators + 2 weight vectors; the row's (k, k+1) bf16 pair is one 32-bit
// broadcast (here the row's four-byte group). Rows read in place (the driver's converted block), exactly kRows
// of them: no padded rows.
constexpr int kMR = 14;

template <bool kTwo, int kRows>
__attribute__((target("avx512f,avx512vnni"))) void kernel(const int8_t* __restrict a, size_t lda,
                                                          const int8_t* __restrict b0, const int8_t* __restrict b1,
                                                          int kc, int32_t* __restrict acc, size_t ldacc,
                                                          bool accumulate) {
  __m512i c0[kRows], c1[kRows];
#pragma GCC unroll 14
  for (int r = 0; r < kRows; ++r) {
    c0[r] = accumulate ? _mm512_loadu_si512(acc + r * ldacc) : _mm512_setzero_si512();
    if (kTwo) c1[r] = accumulate ? _mm512_loadu_si512(acc + r * ldacc + kGemmNR) : _mm512_setzero_si512();
  }
  for (int k = 0; k < kc; k += 4) {
    // One panel row: 16 columns x four k values = 64 bytes.
    const __m512i w0 = _mm512_loadu_si512(b0 + static_cast<size_t>(k) * kGemmNR);
    const __m512i w1 = kTwo ? _mm512_loadu_si512(b1 + static_cast<size_t>(k) * kGemmNR) : w0;
    const size_t ahead = static_cast<size_t>(k + 4 * kGemmPrefetchSteps) * kGemmNR;  // past the end is harmless
    _mm_prefetch(reinterpret_cast<const char*>(b0 + ahead), _MM_HINT_T0);
    if (kTwo) _mm_prefetch(reinterpret_cast<const char*>(b1 + ahead), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int r = 0; r < kRows; ++r) {
      int32_t pair;
      std::memcpy(&pair, a + r * lda + k, sizeof pair);
      const __m512i x = _mm512_set1_epi32(pair);
      c0[r] = _mm512_dpbusd_epi32(c0[r], x, w0);
      if (kTwo) c1[r] = _mm512_dpbusd_epi32(c1[r], x, w1);
    }
  }
#pragma GCC unroll 14
  for (int r = 0; r < kRows; ++r) {
    _mm512_storeu_si512(acc + r * ldacc, c0[r]);
    if (kTwo) _mm512_storeu_si512(acc + r * ldacc + kGemmNR, c1[r]);
  }
}

template <int kRows>
void run_rows(const int8_t* a, size_t lda, const int8_t* b0, const int8_t* b1, int kc, int32_t* acc,
              size_t ldacc, bool accumulate) {
  if (b1 != nullptr)
    kernel<true, kRows>(a, lda, b0, b1, kc, acc, ldacc, accumulate);
  else
    kernel<false, kRows>(a, lda, b0, b0, kc, acc, ldacc, accumulate);
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  using Fn = void (*)(const int8_t*, size_t, const int8_t*, const int8_t*, int, int32_t*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {run_rows<1>,  run_rows<1>,  run_rows<2>,  run_rows<3>, run_rows<4>,
                                          run_rows<5>,  run_rows<6>,  run_rows<7>,  run_rows<8>, run_rows<9>,
                                          run_rows<10>, run_rows<11>, run_rows<12>, run_rows<13>, run_rows<14>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](
      static_cast<const int8_t*>(a), lda, static_cast<const int8_t*>(b0), static_cast<const int8_t*>(b1), kc,
      static_cast<int32_t*>(acc), ldacc, accumulate);
}

constexpr CpuFeatures needs() {
  CpuFeatures f;
  f.capabilities = 1u << static_cast<unsigned>(CpuCapability::Avx512Vnni);
  return f;
}

}  // namespace

const GemmKernel kGemmI8Avx512VnniKernel{.name = "avx512-vnni", .isa = Isa::Avx512, .format = WeightFormat::I8,
                                         .mr = kMR, .panels = 2, .run_converted = run,
                                         .unsigned_activations = true,
                                         // 14 rows x 512 bytes of activations (7 KB) stay in L1 and a chunk's
                                         // 16 panels x 512 x 16 bytes of weights (128 KB) in L2; half the
                                         // accumulator loads and stores of 256 (MiniLM int8 pass: -2%, paired runs).
                                         .k_block = 512,
                                         .needs = needs()};

}  // namespace ce
