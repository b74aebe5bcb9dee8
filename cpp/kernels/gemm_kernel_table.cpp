// The GEMM kernel table, keyed by (ISA, weight format), and the choice of the kernel each format runs with.
#include <array>
#include <string>

#include "common/error.h"
#include "kernels/gemm_kernels.h"
#include "kernels/isa_variants.h"

namespace ce {
namespace {

// Every micro-kernel compiled in, one per (ISA, format) pair. Adding a weight format takes: its row in
// CE_WEIGHT_FORMATS (weight_format.h); its packer in kPackers (gemm_pack.cpp), which fixes the layout; and per
// ISA a kernel file, kernels/<arch>/gemm_<format>_<isa>.cpp, that reads that layout, with its row here (plus
// its reference in linear_reference and a test against it). A kernel that executes more than its ISA level
// promises (VDPBF16PS, VPDPBUSD, AMX tiles) lists the capabilities in GemmKernel::needs; an AMX kernel must
// also obtain the OS permission for tile data first (see cpu_features.cpp).
constexpr const GemmKernel* kKernels[] = {
    &kGemmF32PortableKernel,
#if defined(CE_HAVE_X86_KERNELS)
    &kGemmF32Avx2Kernel,
    &kGemmF32Avx512Kernel,
#endif
#if defined(CE_HAVE_ARM_KERNELS)
    &kGemmF32NeonKernel,
#endif
};

bool cpu_can_run(const GemmKernel& k) {
  const uint32_t needs = k.needs.capabilities;
  return isa_supported(k.isa) && (cpu_features().capabilities & needs) == needs;
}

struct ActiveKernels {
  Isa isa;
  std::array<const GemmKernel*, kWeightFormatCount> by_format;  // nullptr: no kernel for that format
};

const ActiveKernels& active_kernels() {
  // Chosen once per process; a throwing initialiser (bad CE_FORCE_ISA) is retried, and throws again, next call.
  static const ActiveKernels chosen = [] {
    ActiveKernels a{requested_isa(), {}};
    for (size_t f = 0; f < kWeightFormatCount; ++f)
      a.by_format[f] = gemm_kernel_for(a.isa, static_cast<WeightFormat>(f));
    if (a.by_format[static_cast<size_t>(WeightFormat::F32)] == nullptr)
      throw Error(ErrorCode::InvalidArgument, std::string("GEMM: no ") + isa_name(a.isa) +
                                                  " kernel is compiled into this build (CE_FORCE_ISA)");
    return a;
  }();
  return chosen;
}

}  // namespace

const GemmKernel* gemm_kernel_for(Isa isa, WeightFormat format) {
  for (const GemmKernel* k : kKernels)
    if (k->isa == isa && k->format == format) return cpu_can_run(*k) ? k : nullptr;
  return nullptr;
}

std::span<const GemmKernel* const> compiled_gemm_kernels() { return kKernels; }

const GemmKernel& active_gemm_kernel(WeightFormat format) {
  const ActiveKernels& active = active_kernels();
  const auto i = static_cast<size_t>(format);
  if (i < kWeightFormatCount && active.by_format[i] != nullptr) return *active.by_format[i];
  weight_format_traits(format);  // a value outside the enumeration gets that message
  throw Error(ErrorCode::InvalidArgument, std::string("GEMM: no kernel for ") + weight_format_name(format) +
                                              " weights on " + isa_name(active.isa) +
                                              " (CE_FORCE_ISA, or this CPU lacks what it needs); use f32 weights");
}

Isa vector_loop_isa() { return active_kernels().isa; }

}  // namespace ce
