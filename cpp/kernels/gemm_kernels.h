// Choosing a GEMM micro-kernel by (ISA, weight format), and running a Linear layer with an explicit one.
#pragma once

#include <cstddef>
#include <span>

#include "kernels/gemm.h"
#include "kernels/gemm_layout.h"
#include "kernels/weight_format.h"
#include "runtime/cpu_features.h"

namespace ce {

// The kernel for `isa` reading weights in `format`, or nullptr when none is compiled in or this CPU cannot run
// it (its ISA, or a capability it needs, is missing).
const GemmKernel* gemm_kernel_for(Isa isa, WeightFormat format);

// Every kernel compiled into this binary, whether or not this CPU can run it.
std::span<const GemmKernel* const> compiled_gemm_kernels();

// The kernel linear_forward uses for layers in `format`: the one for requested_isa() (CPU detection or
// CE_FORCE_ISA), chosen once per process. Throws ce::Error(InvalidArgument) for a bad CE_FORCE_ISA, and for a
// format that has no kernel for that ISA on this CPU.
const GemmKernel& active_gemm_kernel(WeightFormat format);

// linear_forward with a given kernel; its format must be the layer's (ce::Error Internal otherwise).
void linear_forward_with(const GemmKernel& kernel, const PackedLinear& layer, const float* x, size_t rows, float* y,
                         ThreadPool* pool, GemmEpilogue epilogue = GemmEpilogue::Bias,
                         const float* residual = nullptr);

}  // namespace ce
