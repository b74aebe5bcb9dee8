// Choosing a GEMM micro-kernel by (ISA, weight format), and running a Linear layer with an explicit one.
#pragma once

#include <cstddef>
#include <span>

#include "kernels/gemm.h"
#include "kernels/gemm_layout.h"
#include "kernels/weight_format.h"
#include "runtime/cpu_features.h"

namespace ce {

// The nearest correct kernel for weights in `format` at ISA level `isa` or below: the first in the table (best
// first: AMX, then AVX512-BF16 / AVX512-VNNI, then AVX2, then portable; on arm64 NEON BFDOT / I8MM / SDOT, then
// portable) that this CPU runs. nullptr only for a format no compiled kernel reads.
const GemmKernel* gemm_kernel_for(Isa isa, WeightFormat format);

// This CPU (and OS: AMX tile data) can run the kernel: its ISA level and every capability it needs.
bool gemm_kernel_runnable(const GemmKernel& kernel);

// Every kernel compiled into this binary, whether or not this CPU can run it.
std::span<const GemmKernel* const> compiled_gemm_kernels();

// The kernel linear_forward uses for layers in `format`: gemm_kernel_for(requested_isa(), format) (CPU detection
// or CE_FORCE_ISA), chosen once per process. Throws ce::Error(InvalidArgument) for a bad CE_FORCE_ISA, and for a
// format that has no kernel.
const GemmKernel& active_gemm_kernel(WeightFormat format);

// Its name ("avx512-bf16", "avx512-vnni", "amx-int8", "neon-i8mm", "portable-i8", ...): what `info` and the
// benchmarks report. Throws like active_gemm_kernel.
const char* gemm_kernel_name(WeightFormat format);

// linear_forward with a given kernel; its format must be the layer's (ce::Error Internal otherwise).
void linear_forward_with(const GemmKernel& kernel, const PackedLinear& layer, const float* x, size_t rows, float* y,
                         ThreadPool* pool, GemmEpilogue epilogue = GemmEpilogue::Bias,
                         const float* residual = nullptr, const LayerNormParams* norm = nullptr);

}  // namespace ce
