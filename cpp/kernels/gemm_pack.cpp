// Packing a Linear layer's PyTorch-layout weights into a weight format's panel layout, once at load.
#include <algorithm>
#include <string>

#include "common/error.h"
#include "kernels/gemm.h"
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

// One row per format that can be packed (adding a format: see the kernel table, gemm_kernel_table.cpp).
constexpr WeightPacker kPackers[] = {
    {WeightFormat::F32, f32_packed_bytes, pack_f32},
};

const WeightPacker& packer_for(WeightFormat format) {
  for (const WeightPacker& p : kPackers)
    if (p.format == format) return p;
  weight_format_traits(format);  // a value outside the enumeration gets that message
  throw Error(ErrorCode::InvalidArgument,
              std::string("pack_linear: weights cannot be packed as ") + weight_format_name(format) + " (no packer)");
}

}  // namespace

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

}  // namespace ce
