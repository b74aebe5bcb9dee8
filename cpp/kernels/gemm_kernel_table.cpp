// The GEMM kernel table, keyed by (ISA, weight format), and the choice of the kernel each format runs with.
#include <array>
#include <string>

#include "common/error.h"
#include "kernels/gemm_kernels.h"
#include "kernels/isa_variants.h"

namespace ce {
namespace {

// Every micro-kernel compiled in, best first within each format: the first one this CPU runs, at or below the
// requested ISA level, is chosen (so every format runs on every CPU, the portable kernel being the last
// resort). Adding a weight format takes: its row in CE_WEIGHT_FORMATS (weight_format.h); its packer in kPackers
// (gemm_pack.cpp), which fixes the layout; its reference in linear_reference (gemm_reference.cpp); and per ISA a
// kernel file, kernels/<arch>/gemm_<format>_<isa>.cpp, that reads that layout, with its row here and a test
// against the reference. A kernel that executes more than its ISA level promises (VDPBF16PS, VPDPBUSD, AMX
// tiles) lists the capabilities in GemmKernel::needs; AMX kernels also need the OS's permission for tile data,
// requested once per process (amx_tile_data_permitted).
constexpr const GemmKernel* kKernels[] = {
#if defined(CE_HAVE_X86_KERNELS)
    &kGemmF32Avx512Kernel,
    &kGemmF32Avx2Kernel,
    &kGemmBf16AmxKernel,
    &kGemmBf16Avx512Kernel,
    &kGemmBf16Avx2Kernel,
    &kGemmI8AmxKernel,
    &kGemmI8Avx512VnniKernel,
    &kGemmI8Avx2Kernel,
#endif
#if defined(CE_HAVE_ARM_KERNELS)
    &kGemmF32NeonKernel,
    &kGemmBf16NeonKernel,
    &kGemmI8NeonI8mmKernel,
    &kGemmI8NeonDotKernel,
#endif
    &kGemmF32PortableKernel,
    &kGemmBf16PortableKernel,
    &kGemmI8PortableKernel,
};

// A kernel of ISA level `kernel` may run when `requested` is the level (CE_FORCE_ISA, or the CPU's best): the
// same one or a lower one of the same architecture; portable always.
bool isa_within(Isa kernel, Isa requested) {
  switch (kernel) {
    case Isa::Portable: return true;
    case Isa::Avx2: return requested == Isa::Avx2 || requested == Isa::Avx512;
    case Isa::Avx512: return requested == Isa::Avx512;
    case Isa::Neon: return requested == Isa::Neon;
  }
  return false;
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
    const GemmKernel* f32 = a.by_format[static_cast<size_t>(WeightFormat::F32)];
    if (f32 == nullptr || f32->isa != a.isa)
      throw Error(ErrorCode::InvalidArgument, std::string("GEMM: no ") + isa_name(a.isa) +
                                                  " kernel is compiled into this build (CE_FORCE_ISA)");
    return a;
  }();
  return chosen;
}

}  // namespace

bool gemm_kernel_runnable(const GemmKernel& k) {
  const uint32_t needs = k.needs.capabilities;
  if (!isa_supported(k.isa) || (cpu_features().capabilities & needs) != needs) return false;
  return !k.needs.has(CpuCapability::AmxTile) || amx_tile_data_permitted();
}

const GemmKernel* gemm_kernel_for(Isa isa, WeightFormat format) {
  for (const GemmKernel* k : kKernels)
    if (k->format == format && isa_within(k->isa, isa) && gemm_kernel_runnable(*k)) return k;
  return nullptr;
}

std::span<const GemmKernel* const> compiled_gemm_kernels() { return kKernels; }

const GemmKernel& active_gemm_kernel(WeightFormat format) {
  const ActiveKernels& active = active_kernels();
  const auto i = static_cast<size_t>(format);
  if (i < kWeightFormatCount && active.by_format[i] != nullptr) return *active.by_format[i];
  weight_format_traits(format);  // a value outside the enumeration gets that message
  throw Error(ErrorCode::InvalidArgument, std::string("GEMM: no kernel for ") + weight_format_name(format) +
                                              " weights on " + isa_name(active.isa) + "; use f32 weights");
}

const char* gemm_kernel_name(WeightFormat format) { return active_gemm_kernel(format).name; }

Isa vector_loop_isa() { return active_kernels().isa; }

}  // namespace ce
