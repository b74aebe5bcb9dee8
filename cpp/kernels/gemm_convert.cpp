// Conversions for the BF16 and I8 GEMMs: plain loops, one copy per x86 ISA level (isa_variants.h) so they run at
// the kernels' vector width; every operation is exactly rounded IEEE arithmetic, so each copy gives the same bits
// and every kernel and reference consumes the same converted values.
#include "kernels/gemm_convert.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/isa_variants.h"

namespace ce {
namespace {

__attribute__((always_inline)) inline void round_rows_to_bf16_isa_body(const float* x, size_t k, size_t rows,
                                                                       uint16_t* out, size_t ld) {
  for (size_t r = 0; r < rows; ++r) {
    const float* src = x + r * k;
    uint16_t* dst = out + r * ld;
    for (size_t i = 0; i < k; ++i) dst[i] = bf16_from_float(src[i]);
    for (size_t i = k; i < ld; ++i) dst[i] = 0;
  }
}

// q = RNE(v * inverse) + zero clamped to [-127, 127] (+ 128 with offset), inverse = 127 / max|v| (symmetric, zero
// 0) or 254 / (hi - lo) (asymmetric). A multiply, not a division by the scale: VDIVPS bounded this pass (half the
// time of quantising a row) and the rounded product is as good a quantisation. Adding then subtracting 1.5 * 2^23
// rounds to the nearest integer, ties to even, for |q| < 2^22 (here |v * inverse| <= 254 plus rounding); without
// -ffast-math the compiler keeps both operations, and this file is built with -ffp-contract=off so the multiply is
// never fused into the add (an FMA would round once, and only on the ISAs that have one). The rounded value is an
// integer (|q| <= 2^22), so converting before clamping is exact and the clamps become integer min/max, which
// vectorise (float selects with NaN semantics did not, and took a blend chain per vector); the int32 -> int8
// narrowing truncates a value already in range.
// kDivide: for a range below ~254 / FLT_MAX, whose inverse overflows, q = RNE(v / scale) instead.
template <bool kDivide>
__attribute__((always_inline)) inline void quantize_as(const float* v, size_t n, float divisor, int32_t zero,
                                                       int8_t* out, bool offset) {
  const float magic = 12582912.0f;
  const int32_t bias = offset ? 128 : 0;
  for (size_t i = 0; i < n; ++i) {
    int32_t q = static_cast<int32_t>(((kDivide ? v[i] / divisor : v[i] * divisor) + magic) - magic) + zero;
    q = q > 127 ? 127 : (q < -127 ? -127 : q);
    out[i] = static_cast<int8_t>(q + bias);
  }
}

// The range [min(v, 0), max(v, 0)] of n values (0 for n = 0), on the bit patterns: a float's bits b map to the
// int32 key b ^ ((b >> 31) & 0x7fffffff), whose signed order is the floats' order (-0 just below +0), so integer
// min/max, which vectorise (float ones with NaN semantics do not, and ran one value per cycle), give the extremes
// bit for bit; the inverse map is the same. Starting both at the key of +0 includes 0. Every NaN's key lies beyond
// the infinities' (above +inf's, or below -inf's with the sign bit set), so a value that is not finite anywhere
// leaves lo or hi not finite: the finiteness test comes with the range.
__attribute__((always_inline)) inline void range_body(const float* v, size_t n, float* lo_out, float* hi_out) {
  int32_t lo = 0, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    int32_t bits;
    std::memcpy(&bits, v + i, sizeof bits);
    const int32_t key = bits ^ ((bits >> 31) & 0x7fffffff);
    lo = key < lo ? key : lo;
    hi = key > hi ? key : hi;
  }
  lo ^= (lo >> 31) & 0x7fffffff;
  hi ^= (hi >> 31) & 0x7fffffff;
  std::memcpy(lo_out, &lo, sizeof lo);
  std::memcpy(hi_out, &hi, sizeof hi);
}

// One output's dequantised value: float(sum - zero * column_sum) * (row_scale * channel_scale). Unsigned
// wrap-around: the u8-offset sums and the product may wrap in int32, the corrected total does not.
__attribute__((always_inline)) inline float dequantized(int32_t sum, int32_t column_sum, int32_t zero,
                                                        float row_scale, float channel_scale) {
  const uint32_t s = static_cast<uint32_t>(sum) - static_cast<uint32_t>(zero) * static_cast<uint32_t>(column_sum);
  return static_cast<float>(static_cast<int32_t>(s)) * (row_scale * channel_scale);
}

__attribute__((always_inline)) inline void dequantize_body(const int32_t* __restrict sums,
                                                           const int32_t* __restrict column_sums, int32_t zero,
                                                           float row_scale, const float* __restrict channel_scales,
                                                           size_t cols, float* __restrict out) {
  for (size_t j = 0; j < cols; ++j) out[j] = dequantized(sums[j], column_sums[j], zero, row_scale, channel_scales[j]);
}

// dequantize_body's value, + bias, then (with a residual, row stride ldy) + the residual: each operation rounded
// on its own, in the order dequantize_i8_rows then the GEMM's bias store run them, so the bits are the same (this
// file is built with -ffp-contract=off: contracted, the multiply and the bias add became one FMA).
__attribute__((always_inline)) inline void dequantize_bias_store_body(const int32_t* __restrict sums, size_t lds,
                                                                     const int32_t* __restrict column_sums,
                                                                     const int32_t* __restrict row_zeros,
                                                                     const float* __restrict row_scales,
                                                                     const float* __restrict channel_scales,
                                                                     const float* __restrict bias,
                                                                     const float* __restrict residual, size_t rows,
                                                                     size_t cols, float* __restrict y, size_t ldy) {
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* __restrict s = sums + r * lds;
    float* __restrict yr = y + r * ldy;
    const float rs = row_scales[r];
    const int32_t zero = row_zeros[r];
    if (residual == nullptr) {
      for (size_t j = 0; j < cols; ++j)
        yr[j] = dequantized(s[j], column_sums[j], zero, rs, channel_scales[j]) + bias[j];
    } else {
      const float* __restrict rr = residual + r * ldy;
      for (size_t j = 0; j < cols; ++j)
        yr[j] = (dequantized(s[j], column_sums[j], zero, rs, channel_scales[j]) + bias[j]) + rr[j];
    }
  }
}

__attribute__((always_inline)) inline void dequantize_rows_body(const int32_t* sums, size_t lds,
                                                                const int32_t* column_sums, const int32_t* row_zeros,
                                                                const float* row_scales, const float* channel_scales,
                                                                size_t rows, size_t cols, float* out, size_t ldo) {
  for (size_t r = 0; r < rows; ++r)
    dequantize_body(sums + r * lds, column_sums, row_zeros[r], row_scales[r], channel_scales, cols, out + r * ldo);
}

CE_ISA_VARIANTS(round_rows_to_bf16_isa, (const float* x, size_t k, size_t rows, uint16_t* out, size_t ld),
                (x, k, rows, out, ld))
// out[i] = v[i] * m[i], each product rounded once.
__attribute__((always_inline)) inline void multiply_body(const float* __restrict v, const float* __restrict m, size_t n,
                                                         float* __restrict out) {
  for (size_t i = 0; i < n; ++i) out[i] = v[i] * m[i];
}

CE_ISA_VARIANTS(multiply, (const float* v, const float* m, size_t n, float* out), (v, m, n, out))
CE_ISA_VARIANTS(range, (const float* v, size_t n, float* lo_out, float* hi_out), (v, n, lo_out, hi_out))
__attribute__((always_inline)) inline void quantize_body(const float* v, size_t n, float scale, float inverse,
                                                         int32_t zero, int8_t* out, bool offset) {
  if (std::isinf(inverse)) {
    quantize_as<true>(v, n, scale, zero, out, offset);
  } else {
    quantize_as<false>(v, n, inverse, zero, out, offset);
  }
}

CE_ISA_VARIANTS(quantize,
                (const float* v, size_t n, float scale, float inverse, int32_t zero, int8_t* out, bool offset),
                (v, n, scale, inverse, zero, out, offset))
CE_ISA_VARIANTS(dequantize,
                (const int32_t* sums, const int32_t* column_sums, int32_t zero, float row_scale,
                 const float* channel_scales, size_t cols, float* out),
                (sums, column_sums, zero, row_scale, channel_scales, cols, out))
CE_ISA_VARIANTS(dequantize_rows,
                (const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                 const float* row_scales, const float* channel_scales, size_t rows, size_t cols, float* out,
                 size_t ldo),
                (sums, lds, column_sums, row_zeros, row_scales, channel_scales, rows, cols, out, ldo))
CE_ISA_VARIANTS(dequantize_bias_store,
                (const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                 const float* row_scales, const float* channel_scales, const float* bias, const float* residual,
                 size_t rows, size_t cols, float* y, size_t ldy),
                (sums, lds, column_sums, row_zeros, row_scales, channel_scales, bias, residual, rows, cols, y, ldy))

}  // namespace

#if defined(CE_HAVE_X86_KERNELS)
void round_rows_to_bf16_avx512bf16(const float* x, size_t k, size_t rows, uint16_t* out, size_t ld);  // x86/
#endif

void round_rows_to_bf16(const float* x, size_t k, size_t rows, uint16_t* out, size_t ld) {
#if defined(CE_HAVE_X86_KERNELS)
  // The conversion instruction where the vector loops run at the AVX-512 level and the CPU has it (the same bits).
  static const bool native = vector_loop_isa() == Isa::Avx512 && cpu_features().has(CpuCapability::Avx512Bf16);
  if (native) {
    round_rows_to_bf16_avx512bf16(x, k, rows, out, ld);
    return;
  }
#endif
  round_rows_to_bf16_isa(x, k, rows, out, ld);
}

float quantize_i8(const float* v, size_t n, size_t padded_n, int8_t* out, bool offset) {
  float lo = 0.0f, hi = 0.0f;
  range(v, n, &lo, &hi);
  const bool finite = std::isfinite(lo) && std::isfinite(hi);
  const float amax = -lo > hi ? -lo : hi;
  const int8_t zero = static_cast<int8_t>(offset ? -128 : 0);  // the byte 0x80 is 128 as uint8
  const float scale = finite ? amax / 127.0f : NAN;
  if (!(scale > 0.0f)) {  // all zeros (or an amax so small its scale underflows), or not finite
    for (size_t i = 0; i < padded_n; ++i) out[i] = zero;
    return finite ? 0.0f : NAN;
  }
  quantize(v, n, scale, 127.0f / amax, 0, out, offset);
  for (size_t i = n; i < padded_n; ++i) out[i] = zero;
  return scale;
}

QuantizedRow quantize_row_i8(const float* v, size_t n, size_t padded_n, int8_t* out, bool offset,
                             const float* multipliers) {
  if (multipliers != nullptr) {
    // The products once, into the thread's buffer: the range and the quantisation then read the same values.
    thread_local std::vector<float> scaled;
    if (scaled.size() < n) scaled.resize(n);
    multiply(v, multipliers, n, scaled.data());
    v = scaled.data();
  }
  float lo = 0.0f, hi = 0.0f;  // lo <= 0 <= hi
  range(v, n, &lo, &hi);
  const bool finite = std::isfinite(lo) && std::isfinite(hi);
  const int32_t stored_offset = offset ? 128 : 0;
  QuantizedRow row{0.0f, stored_offset};
  const float range_width = hi - lo;
  float scale = 0.0f, inverse = 0.0f;
  int32_t zero = 0;
  if (!finite) {
    scale = NAN;
  } else if (!std::isfinite(range_width)) {  // hi - lo overflowed: the symmetric range, which fits
    const float amax = -lo > hi ? -lo : hi;
    scale = amax / 127.0f;
    inverse = 127.0f / amax;
  } else if (range_width > 0.0f) {
    scale = range_width / 254.0f;
    inverse = 254.0f / range_width;
    const float steps = std::isinf(inverse) ? lo / scale : lo * inverse;  // in [-254, 0]
    zero = -127 - static_cast<int32_t>(std::nearbyint(steps));
  }
  if (!(scale > 0.0f)) {  // all zeros (or a range so small its scale underflows), or not finite
    for (size_t i = 0; i < padded_n; ++i) out[i] = static_cast<int8_t>(stored_offset);  // 0x80 is 128 as uint8
    row.scale = finite ? 0.0f : NAN;
    return row;
  }
  quantize(v, n, scale, inverse, zero, out, offset);
  row.scale = scale;
  row.zero = zero + stored_offset;
  for (size_t i = n; i < padded_n; ++i) out[i] = static_cast<int8_t>(row.zero);  // as quantize_as stores bytes
  return row;
}

void dequantize_i8(const int32_t* sums, const int32_t* column_sums, int32_t row_zero, float row_scale,
                   const float* channel_scales, size_t cols, float* out) {
  dequantize(sums, column_sums, row_zero, row_scale, channel_scales, cols, out);
}

void dequantize_i8_rows(const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                        const float* row_scales, const float* channel_scales, size_t rows, size_t cols, float* out,
                        size_t ldo) {
  dequantize_rows(sums, lds, column_sums, row_zeros, row_scales, channel_scales, rows, cols, out, ldo);
}

void dequantize_i8_bias_store(const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                              const float* row_scales, const float* channel_scales, const float* bias,
                              const float* residual, size_t rows, size_t cols, float* y, size_t ldy) {
  dequantize_bias_store(sums, lds, column_sums, row_zeros, row_scales, channel_scales, bias, residual, rows, cols, y,
                        ldy);
}

}  // namespace ce
