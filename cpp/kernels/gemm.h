// GEMM family: Y[M,N] = X[M,K] * W^T + b for a Linear layer whose weights are packed once at load.
// A plain reference kernel sits beside the fast one; tests compare them on odd shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/layernorm.h"
#include "kernels/packed_weights.h"
#include "kernels/weight_format.h"

namespace ce {

class ThreadPool;

// Weights of one nn.Linear (out_features x in_features, PyTorch layout) plus the layout the fast kernel wants.
struct PackedLinear {
  int in_features = 0;
  int out_features = 0;
  std::vector<float> bias;  // [out] (zeros when the layer has none)
  // The weights, only in the fast kernels' layout (see gemm_layout.h) and in packed.format(): the PyTorch-layout
  // copy is dropped after packing to halve the layer's memory; packed_weight() reads one element back for the
  // reference kernel.
  PackedWeights packed;
  // [out] one fp32 scale per output channel for formats whose traits carry them (weight_format.h); else empty.
  std::vector<float> channel_scales;
  // I8: [out rounded up to 16] the sum over k of each channel's int8 weights (0 past out): a row's sums less its
  // zero point times these are the sums of the zero-centred activations (gemm_convert.h, dequantize_i8); else empty.
  std::vector<int32_t> column_sums;
  // I8 with smoothed inputs (pack_linear_i8_smoothed): [in] 1 / s_k, what each activation row is multiplied by,
  // per channel, before its per-row quantisation (the weights were packed as W[o][k] * s_k); else empty.
  std::vector<float> input_multipliers;

  WeightFormat format() const { return packed.format(); }
};

// `weight` is [out_features][in_features] as PyTorch stores it; it is only read (the caller may reuse it).
// Packs into `format` (converting or quantising once, at load: BF16 rounds each weight to nearest even, I8
// quantises each output channel symmetrically, gemm_convert.h). Throws ce::Error(InvalidArgument) for bad sizes,
// a format that has no packer, a non-finite weight in an I8 layer, or in_features too large for exact int32
// sums (I8: 65536 at most).
PackedLinear pack_linear(const float* weight, std::vector<float> bias, int out_features, int in_features,
                         WeightFormat format = WeightFormat::F32);
PackedLinear pack_linear(const std::vector<float>& weight, std::vector<float> bias, int out_features,
                         int in_features, WeightFormat format = WeightFormat::F32);

// I8 weights with SmoothQuant's migration of activation outliers into the weights: packs W[o][k] * smoothing[k]
// and records 1 / smoothing[k] as the layer's input_multipliers, so each activation row is divided by the same
// per-channel factors before it is quantised per row. In exact arithmetic the product is unchanged; quantised, the
// channels whose activations are large (LayerNorm's outlier channels) no longer set every token's scale alone.
// `smoothing` has in_features finite positive values (ce::Error InvalidArgument otherwise); the other checks are
// pack_linear's.
PackedLinear pack_linear_i8_smoothed(const float* weight, std::vector<float> bias, int out_features, int in_features,
                                     const std::vector<float>& smoothing);

// Bytes of the packed weights of an out_features x in_features layer in `format` (what pack_linear allocates).
size_t packed_weights_bytes(WeightFormat format, int out_features, int in_features);

// W[out][in] of an F32 layer (panel p = out / 16 holds W[p*16 + j][k] at f32()[(p * K + k) * 16 + j]).
inline float packed_weight(const PackedLinear& l, size_t out, size_t in) {
  constexpr size_t kNR = 16;  // kGemmNR; gemm_layout.h static_asserts the two agree
  return l.packed.f32()[((out / kNR) * static_cast<size_t>(l.in_features) + in) * kNR + out % kNR];
}

// The stored value of W[out][in] of a BF16 layer (bf16 bits) or of an I8 layer (the quantised int8; times
// channel_scales[out] it approximates the original weight). in < gemm_padded_k(): the padding reads as 0.
uint16_t packed_weight_bf16(const PackedLinear& l, size_t out, size_t in);
int8_t packed_weight_i8(const PackedLinear& l, size_t out, size_t in);

// Reference: plain loops in every format, Y row stride = out_features, then + bias.
//   F32:  fp32 accumulation in k order.
//   BF16: activations rounded to bf16 (round_rows_to_bf16), then fp32 accumulation in k order of the exact
//         products (the FMA kernels give these bits; pairwise instructions differ within rounding).
//   I8:   activations quantised per row (quantize_row_i8, times input_multipliers when set), exact integer sums
//         of the zero-centred values, dequantize_i8: the kernels give these bits exactly.
void linear_reference(const PackedLinear& layer, const float* x, size_t rows, float* y);

// What the fast path applies to each output after adding the bias, while the tile is still in cache, saving
// a pass over the output. BiasGeluErf gives the same bits as linear_forward followed by
// hidden_activation(GeluErf); BiasResidual gives y = (x W^T + b) + residual (residual row stride =
// out_features), the bits of a plain linear_forward then y += residual.
enum class GemmEpilogue { Bias, BiasGeluErf, BiasResidual };

// Fast path: the best micro-kernel this CPU runs for the layer's format (for F32: AVX-512, AVX2+FMA, NEON or
// portable; BF16: AMX, AVX512-BF16, AVX2, NEON BFDOT or portable; I8: AMX, AVX512-VNNI, AVX2, NEON I8MM/SDOT or
// portable; see gemm_kernels.h, CE_FORCE_ISA), same result as linear_reference within fp32 rounding (I8:
// bitwise); splits rows/columns over the pool. BF16 and I8 convert the activations at the GEMM input. A row's result does not depend on how many rows are in the call nor on the pool size (bitwise), so
// scores are deterministic.
// With `norm`, each output row is then LayerNorm'ed (layer_norm's bits): inside the task that wrote the row, while
// it is in cache, when tasks span every column (tall inputs); else in a pass after the GEMM.
void linear_forward(const PackedLinear& layer, const float* x, size_t rows, float* y, ThreadPool* pool,
                    GemmEpilogue epilogue = GemmEpilogue::Bias, const float* residual = nullptr,
                    const LayerNormParams* norm = nullptr);

// y_i = x W_i^T + b_i for `count` layers over the same input (a layer's key, value and query projections): each
// task converts its rows to bf16 / int8 once for every layer (a row's converted values depend on the row alone)
// and runs each layer's columns on them. The same bits as one linear_forward per layer, which it falls back to
// for short inputs (whose tasks split columns) and for layers that differ in format or input width.
void linear_forward_shared_input(const PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                                 size_t rows, ThreadPool* pool);

// Rows per task of linear_forward on this layer (its kernel's row block times the blocks per task): a driver that
// runs several GEMMs per row range (feed_forward.h) splits rows the same way, so each call on one range is one
// task.
size_t linear_task_rows(const PackedLinear& layer);

// Whether linear_forward on `rows` rows of this layer runs one task per row range over every column (enough row
// ranges for 4 per thread), rather than splitting columns: where a driver may run more work per row range.
bool linear_tasks_span_rows(const PackedLinear& layer, size_t rows, const ThreadPool* pool);

}  // namespace ce
