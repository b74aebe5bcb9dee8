// The GEMM references, one per weight format: plain loops over the packed weights that define each format's result.
#include <string>
#include <vector>

#include "common/error.h"
#include "kernels/gemm.h"
#include "kernels/gemm_convert.h"
#include "kernels/gemm_layout.h"

namespace ce {
namespace {

void reference_f32(const PackedLinear& layer, const float* x, size_t rows, float* y) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  const float* packed = layer.packed.f32();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t col = 0; col < n; ++col) {
      // Column `col` of the packed panel: stride kGemmNR, same k order as the fast kernel's chains.
      const float* w = packed + (col / kGemmNR) * k * kGemmNR + col % kGemmNR;
      float sum = 0.0f;
      for (size_t kk = 0; kk < k; ++kk) sum += x[r * k + kk] * w[kk * kGemmNR];
      y[r * n + col] = sum + layer.bias[col];
    }
  }
}

// Over the padded k too (zeros), as the kernels do: the same chain of adds, so FMA kernels match bitwise. The
// weights are widened once (the per-element layout lookup would dominate), the sums are unchanged by it.
void reference_bf16(const PackedLinear& layer, const float* x, size_t rows, float* y) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  const size_t kp = gemm_padded_k(WeightFormat::BF16, k);
  std::vector<float> w(n * kp);
  for (size_t col = 0; col < n; ++col)
    for (size_t kk = 0; kk < kp; ++kk) w[col * kp + kk] = float_from_bf16(packed_weight_bf16(layer, col, kk));
  std::vector<uint16_t> a(kp);
  std::vector<float> af(kp);
  for (size_t r = 0; r < rows; ++r) {
    round_rows_to_bf16(x + r * k, k, 1, a.data(), kp);
    for (size_t kk = 0; kk < kp; ++kk) af[kk] = float_from_bf16(a[kk]);
    for (size_t col = 0; col < n; ++col) {
      const float* wc = w.data() + col * kp;
      float sum = 0.0f;
      for (size_t kk = 0; kk < kp; ++kk) sum += af[kk] * wc[kk];  // exact products, fp32 adds in k order
      y[r * n + col] = sum + layer.bias[col];
    }
  }
}

void reference_i8(const PackedLinear& layer, const float* x, size_t rows, float* y) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  std::vector<int8_t> w(n * k);
  for (size_t col = 0; col < n; ++col)
    for (size_t kk = 0; kk < k; ++kk) w[col * k + kk] = packed_weight_i8(layer, col, kk);
  std::vector<int8_t> q(k);
  for (size_t r = 0; r < rows; ++r) {
    const QuantizedRow row = quantize_row_i8(
        x + r * k, k, k, q.data(), false, layer.input_multipliers.empty() ? nullptr : layer.input_multipliers.data());
    for (size_t col = 0; col < n; ++col) {
      const int8_t* wc = w.data() + col * k;
      // The zero-centred activations' sum directly (the kernels subtract zero * column sum from theirs instead).
      int64_t sum = 0;
      for (size_t kk = 0; kk < k; ++kk) sum += (int64_t{q[kk]} - row.zero) * wc[kk];
      const auto sum32 = static_cast<int32_t>(sum);  // |sum| <= 254 * 127 * 65536 < 2^31 (pack_linear's limit)
      const int32_t no_column_sum = 0;
      float value = 0.0f;
      dequantize_i8(&sum32, &no_column_sum, 0, row.scale, layer.channel_scales.data() + col, 1, &value);
      y[r * n + col] = value + layer.bias[col];
    }
  }
}

}  // namespace

void linear_reference(const PackedLinear& layer, const float* x, size_t rows, float* y) {
  if (layer.packed.empty()) throw Error(ErrorCode::Internal, "linear_reference: layer was not packed");
  switch (layer.format()) {
    case WeightFormat::F32: return reference_f32(layer, x, rows, y);
    case WeightFormat::BF16: return reference_bf16(layer, x, rows, y);
    case WeightFormat::I8: return reference_i8(layer, x, rows, y);
  }
  throw Error(ErrorCode::Internal, std::string("linear_reference: no reference for ") +
                                       weight_format_name(layer.format()) + " weights");
}

}  // namespace ce
