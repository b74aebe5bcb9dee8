// GEMM family: Y[M,N] = X[M,K] * W^T + b for a Linear layer whose weights are packed once at load.
// A plain reference kernel sits beside the fast one; tests compare them on odd shapes.
#pragma once

#include <cstddef>
#include <vector>

namespace ce {

class ThreadPool;

// Weights of one nn.Linear (out_features x in_features, PyTorch layout) plus the layout the fast kernel wants.
struct PackedLinear {
  int in_features = 0;
  int out_features = 0;
  std::vector<float> bias;    // [out] (zeros when the layer has none)
  // The weights, only in the fast kernel's layout (see gemm_layout.h): the PyTorch-layout copy is dropped after
  // packing to halve the layer's memory; packed_weight() reads one element back for the reference kernel.
  std::vector<float> packed;
};

// `weight` is [out_features][in_features] as PyTorch stores it; it is only read (the caller may reuse it).
PackedLinear pack_linear(const float* weight, std::vector<float> bias, int out_features, int in_features);
PackedLinear pack_linear(const std::vector<float>& weight, std::vector<float> bias, int out_features,
                         int in_features);

// W[out][in] of a packed layer (panel p = out / 16 holds W[p*16 + j][k] at packed[(p * K + k) * 16 + j]).
inline float packed_weight(const PackedLinear& l, size_t out, size_t in) {
  constexpr size_t kNR = 16;  // kGemmNR; gemm_layout.h static_asserts the two agree
  return l.packed[((out / kNR) * static_cast<size_t>(l.in_features) + in) * kNR + out % kNR];
}

// Reference: plain loops, fp32 accumulation in k order. Y row stride = out_features.
void linear_reference(const PackedLinear& layer, const float* x, size_t rows, float* y);

// What the fast path applies to each output after adding the bias, while the tile is still in cache, saving
// a pass over the output. BiasGeluErf gives the same bits as linear_forward followed by
// hidden_activation(GeluErf); BiasResidual gives y = (x W^T + b) + residual (residual row stride =
// out_features), the bits of a plain linear_forward then y += residual.
enum class GemmEpilogue { Bias, BiasGeluErf, BiasResidual };

// Fast path: the widest micro-kernel this CPU runs (AVX-512, AVX2+FMA, NEON or portable; see gemm_kernels.h,
// CE_FORCE_ISA), same result within fp32 rounding; splits rows/columns over the pool. A row's result does not
// depend on how many rows are in the call nor on the pool size (bitwise), so scores are deterministic.
void linear_forward(const PackedLinear& layer, const float* x, size_t rows, float* y, ThreadPool* pool,
                    GemmEpilogue epilogue = GemmEpilogue::Bias, const float* residual = nullptr);

}  // namespace ce
