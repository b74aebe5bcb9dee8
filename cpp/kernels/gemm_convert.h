// Conversions at the edges of the BF16 and I8 GEMMs: fp32 -> bf16 (RNE), int8 quantisation of weight channels
// (symmetric) and activation rows (asymmetric), and int32 -> fp32 dequantisation; one definition shared by kernels
// and references.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ce {

// fp32 -> bf16 bits, round to nearest even (as PyTorch's .to(torch.bfloat16)); a NaN stays a (quiet) NaN.
inline uint16_t bf16_from_float(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((u >> 16) | 0x0040u);
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

inline float float_from_bf16(uint16_t b) {
  const uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Rows of x (row stride k) rounded to bf16 into out (row stride ld >= k; columns [k, ld) zero).
void round_rows_to_bf16(const float* x, size_t k, size_t rows, uint16_t* out, size_t ld);

// Symmetric int8 quantisation of one vector of n values (a weight channel): scale = max|v| / 127,
// q = RNE(v * (127 / max|v|)) in [-127, 127] (the inverse rounded to float, then the product: a multiply, not a
// division; for a max|v| so small that its inverse overflows, below ~4e-37, RNE(v / scale)), written to out[0..n)
// and zeros to out[n..padded_n). Returns the scale: 0 for an all-zero vector
// (every q is 0), NaN when a value is not finite (every q is 0; the dequantised result is then NaN, as an
// fp32 GEMM's would be). With `offset` each stored byte is q + 128 (as uint8; the u8 x s8 instructions).
float quantize_i8(const float* v, size_t n, size_t padded_n, int8_t* out, bool offset = false);

// One activation row quantised: v[i] ~= scale * (stored[i] - zero), stored[i] the byte a kernel reads.
struct QuantizedRow {
  float scale;   // 0 for a row of zeros, NaN for a row with a value that is not finite
  int32_t zero;  // the stored value of 0.0 (with `offset`, 128 more: the byte read as uint8)
};

// Asymmetric int8 quantisation of one activation row (per token, computed at run time, so a row's values never
// depend on its batch): the row's range [lo, hi] = [min(v, 0), max(v, 0)] over the 255 values [-127, 127],
// scale = (hi - lo) / 254, zero = -127 - RNE(lo / scale), q = clamp(RNE(v / scale) + zero, -127, 127) (v / scale
// as v times the rounded inverse 254 / (hi - lo), as quantize_i8 does; by division where the inverse overflows).
// Why asymmetric: GELU's outputs lie in [-0.17, max], and the LayerNorm'ed rows of BERT carry a few large
// outlier channels of one sign, so a symmetric range leaves up to half its codes unused on those rows (measured on
// minilm-ce: |dlogit| p50 0.121 -> 0.086, tools/precision/smoothing_study.py). A symmetric row (lo = -hi) gets
// zero 0 and exactly the bytes and scale of quantize_i8, and 0.0 is always exact (stored as zero).
// Writes q (+ 128 with `offset`) to out[0..n) and the zero's byte to out[n..padded_n). A row of zeros gives scale 0
// (its dequantised sums are 0); a non-finite value gives NaN (as the fp32 GEMM would); a range too wide for fp32
// (hi - lo overflows) falls back to quantize_i8's symmetric range with zero 0 (+ 128).
// With `multipliers` (n values), v[i] * multipliers[i] (one fp32 product each) is what is quantised: a smoothed
// I8 layer's input (PackedLinear::input_multipliers).
QuantizedRow quantize_row_i8(const float* v, size_t n, size_t padded_n, int8_t* out, bool offset = false,
                             const float* multipliers = nullptr);

// The I8 GEMM's output before bias: float(sum - row_zero * column_sums[j]) * (row_scale * channel_scale[j]) for
// `cols` int32 sums, sum = sum_k stored[k] * w[j][k] and column_sums[j] = sum_k w[j][k], so the bracket is
// sum_k (stored[k] - zero) * w[j][k] exactly (computed modulo 2^32; the true value fits in int32, pack_linear's
// width limit). The same function serves the kernels' driver and the reference, so both round identically.
void dequantize_i8(const int32_t* sums, const int32_t* column_sums, int32_t row_zero, float row_scale,
                   const float* channel_scales, size_t cols, float* out);

// dequantize_i8 on `rows` rows of a tile at once (sums and out with row strides lds and ldo, row r with
// row_zeros[r] and row_scales[r]): the same arithmetic, one call per tile instead of one per row (the GEMM's tiles
// are 32 columns wide, so the per-call dispatch cost about as much as the arithmetic). The GELU epilogue's first
// step.
void dequantize_i8_rows(const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                        const float* row_scales, const float* channel_scales, size_t rows, size_t cols, float* out,
                        size_t ldo);

// The I8 GEMM's plain and residual epilogues in one pass over the tile: y[r][j] = dequantised + bias[j], then
// + residual[r][j] when residual is not null (row stride ldy, as y). Each operation rounds on its own, so the
// bits equal dequantize_i8_rows followed by the bias store (gemm_convert.cpp is built with -ffp-contract=off: a
// contracted multiply-add rounded once, which GemmPrecision.EveryKernelMatchesItsFormatsReference caught).
void dequantize_i8_bias_store(const int32_t* sums, size_t lds, const int32_t* column_sums, const int32_t* row_zeros,
                              const float* row_scales, const float* channel_scales, const float* bias,
                              const float* residual, size_t rows, size_t cols, float* y, size_t ldy);

}  // namespace ce
