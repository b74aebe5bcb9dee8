// Packing a Linear layer's PyTorch-layout weights into a weight format's panel layout, once at load.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/error.h"
#include "kernels/gemm.h"
#include "kernels/gemm_convert.h"
#include "kernels/gemm_kernels.h"
#include "kernels/gemm_layout.h"

namespace ce {
namespace {

struct WeightPacker {
  WeightFormat format;
  size_t (*packed_bytes)(size_t out_features, size_t in_features);
  // Fills layer.packed (allocated packed_bytes() long, zeroed) from weight[out][in], and channel_scales for a
  // format that carries them.
  void (*pack)(const float* weight, PackedLinear& layer);
};

size_t f32_packed_bytes(size_t out_features, size_t in_features) {
  return gemm_panel_count(static_cast<int>(out_features)) * in_features * kGemmNR * sizeof(float);
}

void pack_f32(const float* weight, PackedLinear& layer) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  // Written front to back: 16 sequential read streams, one sequential write stream (columns past
  // out_features keep the zeros of the fill).
  float* dst = layer.packed.f32();
  for (size_t p = 0; p < gemm_panel_count(layer.out_features); ++p) {
    const size_t cols = std::min<size_t>(kGemmNR, n - p * kGemmNR);
    const float* src = weight + p * kGemmNR * k;
    for (size_t kk = 0; kk < k; ++kk, dst += kGemmNR)
      for (size_t j = 0; j < cols; ++j) dst[j] = src[j * k + kk];
  }
}

// Byte offset of W[j][k] (j within panel p) in a converted format's layout (gemm_layout.h).
size_t grouped_offset(WeightFormat format, size_t kp, size_t p, size_t j, size_t k) {
  const size_t g = gemm_k_group(format);
  return p * kp * kGemmNR + (k / g * kGemmNR + j) * g + k % g;
}

size_t bf16_packed_bytes(size_t out_features, size_t in_features) {
  return gemm_panel_count(static_cast<int>(out_features)) * gemm_padded_k(WeightFormat::BF16, in_features) *
         kGemmNR * sizeof(uint16_t);
}

void pack_bf16(const float* weight, PackedLinear& layer) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  const size_t kp = gemm_padded_k(WeightFormat::BF16, k);
  uint16_t* dst = layer.packed.bf16();
  for (size_t o = 0; o < n; ++o)
    for (size_t kk = 0; kk < k; ++kk)
      dst[grouped_offset(WeightFormat::BF16, kp, o / kGemmNR, o % kGemmNR, kk)] = bf16_from_float(weight[o * k + kk]);
}

// Exact int32 sums need K * 127 * 255 < 2^31 (the u8-offset kernels' raw sums and a row's zero point times a
// column sum, at most 255 * 127 * K each, are corrected modulo 2^32; the zero-centred total is at most 254 * 127 * K,
// and the portable kernel's signed sums must not overflow): 65536 leaves room, far above any encoder's width.
constexpr size_t kMaxI8InFeatures = 65536;

size_t i8_packed_bytes(size_t out_features, size_t in_features) {
  return gemm_panel_count(static_cast<int>(out_features)) * gemm_padded_k(WeightFormat::I8, in_features) * kGemmNR;
}

void pack_i8(const float* weight, PackedLinear& layer) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  if (k > kMaxI8InFeatures)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: in_features " + std::to_string(k) +
                                                " is too large for int8 weights (at most " +
                                                std::to_string(kMaxI8InFeatures) + "); use f32 or bf16");
  const size_t kp = gemm_padded_k(WeightFormat::I8, k);
  int8_t* dst = layer.packed.i8();
  layer.channel_scales.assign(n, 0.0f);
  layer.column_sums.assign(gemm_panel_count(layer.out_features) * kGemmNR, 0);
  std::vector<int8_t> q(k);
  for (size_t o = 0; o < n; ++o) {
    const float scale = quantize_i8(weight + o * k, k, k, q.data());
    if (!(scale == scale))
      throw Error(ErrorCode::InvalidArgument, "pack_linear: output channel " + std::to_string(o) +
                                                  " has a non-finite weight; it cannot be quantised to int8");
    layer.channel_scales[o] = scale;
    int32_t sum = 0;
    for (size_t kk = 0; kk < k; ++kk) {
      dst[grouped_offset(WeightFormat::I8, kp, o / kGemmNR, o % kGemmNR, kk)] = q[kk];
      sum += q[kk];
    }
    layer.column_sums[o] = sum;
  }
}

// One row per format that can be packed (adding a format: see the kernel table, gemm_kernel_table.cpp).
constexpr WeightPacker kPackers[] = {
    {WeightFormat::F32, f32_packed_bytes, pack_f32},
    {WeightFormat::BF16, bf16_packed_bytes, pack_bf16},
    {WeightFormat::I8, i8_packed_bytes, pack_i8},
};

const WeightPacker& packer_for(WeightFormat format) {
  for (const WeightPacker& p : kPackers)
    if (p.format == format) return p;
  weight_format_traits(format);  // a value outside the enumeration gets that message
  throw Error(ErrorCode::InvalidArgument,
              std::string("pack_linear: weights cannot be packed as ") + weight_format_name(format) + " (no packer)");
}

}  // namespace

uint16_t packed_weight_bf16(const PackedLinear& l, size_t out, size_t in) {
  const size_t kp = gemm_padded_k(WeightFormat::BF16, static_cast<size_t>(l.in_features));
  return l.packed.bf16()[grouped_offset(WeightFormat::BF16, kp, out / kGemmNR, out % kGemmNR, in)];
}

int8_t packed_weight_i8(const PackedLinear& l, size_t out, size_t in) {
  const size_t kp = gemm_padded_k(WeightFormat::I8, static_cast<size_t>(l.in_features));
  return l.packed.i8()[grouped_offset(WeightFormat::I8, kp, out / kGemmNR, out % kGemmNR, in)];
}

size_t packed_weights_bytes(WeightFormat format, int out_features, int in_features) {
  if (out_features <= 0 || in_features <= 0) return 0;
  return packer_for(format).packed_bytes(static_cast<size_t>(out_features), static_cast<size_t>(in_features));
}

PackedLinear pack_linear(const std::vector<float>& weight, std::vector<float> bias, int out_features,
                         int in_features, WeightFormat format) {
  if (out_features > 0 && in_features > 0 &&
      weight.size() != static_cast<size_t>(out_features) * static_cast<size_t>(in_features))
    throw Error(ErrorCode::InvalidArgument, "pack_linear: weight has " + std::to_string(weight.size()) +
                                                " values, expected " +
                                                std::to_string(static_cast<size_t>(out_features) * in_features));
  return pack_linear(weight.data(), std::move(bias), out_features, in_features, format);
}

PackedLinear pack_linear(const float* weight, std::vector<float> bias, int out_features, int in_features,
                         WeightFormat format) {
  if (out_features <= 0 || in_features <= 0)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: out_features (" + std::to_string(out_features) +
                                                ") and in_features (" + std::to_string(in_features) +
                                                ") must be positive");
  const size_t n = static_cast<size_t>(out_features), k = static_cast<size_t>(in_features);
  if (bias.empty()) bias.assign(n, 0.0f);
  if (bias.size() != n)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: bias has " + std::to_string(bias.size()) +
                                                " values, expected " + std::to_string(n));
  const WeightPacker& packer = packer_for(format);
  active_gemm_kernel(format);  // fail at load, not mid-inference, on a bad CE_FORCE_ISA or a format with no kernel
  PackedLinear layer;
  layer.in_features = in_features;
  layer.out_features = out_features;
  layer.packed = PackedWeights(format, packer.packed_bytes(n, k));
  packer.pack(weight, layer);
  layer.bias = std::move(bias);
  return layer;
}

PackedLinear pack_linear_i8_smoothed(const float* weight, std::vector<float> bias, int out_features, int in_features,
                                     const std::vector<float>& smoothing) {
  if (in_features <= 0 || out_features <= 0 || smoothing.size() != static_cast<size_t>(in_features))
    throw Error(ErrorCode::InvalidArgument, "pack_linear_i8_smoothed: " + std::to_string(smoothing.size()) +
                                                " smoothing factors for in_features " + std::to_string(in_features));
  const size_t n = static_cast<size_t>(out_features), k = static_cast<size_t>(in_features);
  std::vector<float> multipliers(k);
  for (size_t i = 0; i < k; ++i) {
    const float s = smoothing[i];
    if (!(s > 0.0f) || !std::isfinite(s) || !std::isfinite(1.0f / s))
      throw Error(ErrorCode::InvalidArgument, "pack_linear_i8_smoothed: smoothing factor " + std::to_string(i) +
                                                  " is " + std::to_string(s) + "; each must be finite and > 0");
    multipliers[i] = 1.0f / s;
  }
  std::vector<float> scaled(n * k);
  for (size_t o = 0; o < n; ++o)
    for (size_t i = 0; i < k; ++i) scaled[o * k + i] = weight[o * k + i] * smoothing[i];
  PackedLinear layer = pack_linear(scaled.data(), std::move(bias), out_features, in_features, WeightFormat::I8);
  layer.input_multipliers = std::move(multipliers);
  return layer;
}

}  // namespace ce
