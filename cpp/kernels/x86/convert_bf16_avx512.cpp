// Rows rounded to bf16 with VCVTNE2PS2BF16 (AVX512-BF16): one instruction per 32 values where the integer
// rounding of bf16_from_float takes several per 16 (the conversion was 7% of a bf16 MiniLM pass on AMX). The
// instruction rounds to nearest even and quiets NaNs as bf16_from_float does, but treats denormal inputs as
// zero: a block of 32 that holds one goes through bf16_from_float instead, so the bits are the same for every
// input.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_convert.h"

namespace ce {

void round_rows_to_bf16_avx512bf16(const float* x, size_t k, size_t rows, uint16_t* out, size_t ld);

__attribute__((target("avx512f,avx512bw,avx512bf16"))) void round_rows_to_bf16_avx512bf16(const float* x, size_t k,
                                                                                         size_t rows, uint16_t* out,
                                                                                         size_t ld) {
  const __m512i exponent = _mm512_set1_epi32(0x7F800000), mantissa = _mm512_set1_epi32(0x007FFFFF);
  for (size_t r = 0; r < rows; ++r) {
    const float* src = x + r * k;
    uint16_t* dst = out + r * ld;
    size_t i = 0;
    for (; i + 32 <= k; i += 32) {
      const __m512i lo = _mm512_loadu_si512(src + i), hi = _mm512_loadu_si512(src + i + 16);
      // Denormal: exponent bits all zero, mantissa not.
      const __mmask16 dlo = _mm512_testn_epi32_mask(lo, exponent) & _mm512_test_epi32_mask(lo, mantissa);
      const __mmask16 dhi = _mm512_testn_epi32_mask(hi, exponent) & _mm512_test_epi32_mask(hi, mantissa);
      if ((dlo | dhi) != 0) {
        for (size_t j = i; j < i + 32; ++j) dst[j] = bf16_from_float(src[j]);
        continue;
      }
      _mm512_storeu_si512(dst + i, (__m512i)_mm512_cvtne2ps_pbh(_mm512_castsi512_ps(hi), _mm512_castsi512_ps(lo)));
    }
    for (; i < k; ++i) dst[i] = bf16_from_float(src[i]);
    for (; i < ld; ++i) dst[i] = 0;
  }
}

}  // namespace ce
