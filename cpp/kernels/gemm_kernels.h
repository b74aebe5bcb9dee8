// Choosing a GEMM micro-kernel by ISA, and running a Linear layer with an explicit one (tests, benchmarks).
#pragma once

#include <cstddef>

#include "kernels/gemm.h"
#include "kernels/gemm_layout.h"
#include "runtime/cpu_features.h"

namespace ce {

// The kernel for `isa`, or nullptr when it is not compiled in or this CPU cannot run it.
const GemmKernel* gemm_kernel_for(Isa isa);

// The kernel linear_forward uses: chosen once, from requested_isa() (CPU detection or CE_FORCE_ISA).
// Throws ce::Error(InvalidArgument) for a bad CE_FORCE_ISA.
const GemmKernel& active_gemm_kernel();

// linear_forward with a given kernel.
void linear_forward_with(const GemmKernel& kernel, const PackedLinear& layer, const float* x, size_t rows, float* y,
                         ThreadPool* pool, GemmEpilogue epilogue = GemmEpilogue::Bias,
                         const float* residual = nullptr);

}  // namespace ce
