// AVX-512F GEMM micro-kernel, F32 weights: 14 rows x 32 columns (two weight panels) in 28 zmm accumulators; one
// body serves the packed-activation contract (run) and the in-place variant the driver uses (run_direct).
#include <immintrin.h>

#include <cstddef>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 14 x 2 accumulators + 2 weight vectors = 30 of the 32 zmm registers; the row value is broadcast straight from
// memory into the FMA ({1to16}), so it needs no register. Per k step: 2 vector loads, 14 broadcasts, 28 FMAs.
constexpr int kMR = 14;

// The micro-kernel, for either activation layout: kPacked, the driver's packed block (row r's k-th value at
// a[k * kMR + r], the GemmMicroKernel contract, kept for its tests); otherwise the activations read in place
// (row r at a + r * lda), exactly kRows of them, which the driver uses: packing cost ~8% of a forward pass
// (one strided scalar store per value), and a row tail (a single pair's 32 rows, the last layer's [CLS] rows)
// computes no padded rows. In place, the broadcasts come from kRows streams, each sequential in k; a 14 x 256
// block (14 KB) stays in L1. Same instructions per element either way, so the bits are the same.
template <bool kTwo, bool kLoad, int kRows, bool kPacked>
__attribute__((target("avx512f"))) void kernel(const float* __restrict a, size_t lda, const float* __restrict b0,
                                               const float* __restrict b1, int kc, float* __restrict acc,
                                               size_t ldacc) {
  __m512 c0[kRows], c1[kRows];
#pragma GCC unroll 14
  for (int r = 0; r < kRows; ++r) {
    c0[r] = kLoad ? _mm512_loadu_ps(acc + r * ldacc) : _mm512_setzero_ps();
    if (kTwo) c1[r] = kLoad ? _mm512_loadu_ps(acc + r * ldacc + kGemmNR) : _mm512_setzero_ps();
  }
  for (int k = 0; k < kc; ++k) {
    const __m512 w0 = _mm512_loadu_ps(b0 + static_cast<size_t>(k) * kGemmNR);
    const __m512 w1 = kTwo ? _mm512_loadu_ps(b1 + static_cast<size_t>(k) * kGemmNR) : w0;
    const size_t ahead = static_cast<size_t>(k + kGemmPrefetchSteps) * kGemmNR;  // past the panel's end is harmless
    _mm_prefetch(reinterpret_cast<const char*>(b0 + ahead), _MM_HINT_T0);
    if (kTwo) _mm_prefetch(reinterpret_cast<const char*>(b1 + ahead), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int r = 0; r < kRows; ++r) {
      const float value = kPacked ? a[static_cast<size_t>(k) * kMR + r] : a[r * lda + static_cast<size_t>(k)];
      const __m512 x = _mm512_set1_ps(value);
      c0[r] = _mm512_fmadd_ps(x, w0, c0[r]);
      if (kTwo) c1[r] = _mm512_fmadd_ps(x, w1, c1[r]);
    }
  }
#pragma GCC unroll 14
  for (int r = 0; r < kRows; ++r) {
    _mm512_storeu_ps(acc + r * ldacc, c0[r]);
    if (kTwo) _mm512_storeu_ps(acc + r * ldacc + kGemmNR, c1[r]);
  }
}

// Picks the instantiation for one panel or two and for a fresh or continued accumulation.
template <int kRows, bool kPacked>
void run_rows(const float* a, size_t lda, const float* b0, const float* b1, int kc, float* acc, size_t ldacc,
              bool accumulate) {
  if (b1 != nullptr) {
    if (accumulate)
      kernel<true, true, kRows, kPacked>(a, lda, b0, b1, kc, acc, ldacc);
    else
      kernel<true, false, kRows, kPacked>(a, lda, b0, b1, kc, acc, ldacc);
  } else {
    if (accumulate)
      kernel<false, true, kRows, kPacked>(a, lda, b0, b0, kc, acc, ldacc);
    else
      kernel<false, false, kRows, kPacked>(a, lda, b0, b0, kc, acc, ldacc);
  }
}

void run(const float* a, const void* b0, const void* b1, int kc, float* acc, size_t ldacc, bool accumulate) {
  run_rows<kMR, true>(a, 0, static_cast<const float*>(b0), static_cast<const float*>(b1), kc, acc, ldacc, accumulate);
}

// Exact row counts here (rows past `rows` may not exist in memory).
void run_direct(const float* a, size_t lda, const void* b0_bytes, const void* b1_bytes, int kc, float* acc,
                size_t ldacc, bool accumulate, int rows) {
  const auto* b0 = static_cast<const float*>(b0_bytes);
  const auto* b1 = static_cast<const float*>(b1_bytes);
  using Fn = void (*)(const float*, size_t, const float*, const float*, int, float*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {
      run_rows<1, false>,  run_rows<1, false>,  run_rows<2, false>,  run_rows<3, false>,  run_rows<4, false>,
      run_rows<5, false>,  run_rows<6, false>,  run_rows<7, false>,  run_rows<8, false>,  run_rows<9, false>,
      run_rows<10, false>, run_rows<11, false>, run_rows<12, false>, run_rows<13, false>, run_rows<14, false>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](a, lda, b0, b1, kc, acc, ldacc, accumulate);
}

}  // namespace

const GemmKernel kGemmF32Avx512Kernel{.name = "avx512-f32", .isa = Isa::Avx512, .format = WeightFormat::F32, .mr = kMR,
                                      .panels = 2, .run = run, .run_direct = run_direct};

}  // namespace ce
