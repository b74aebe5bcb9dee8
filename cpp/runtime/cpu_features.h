// Which SIMD instruction sets this CPU (and OS) can run, and which one the GEMM uses (CE_FORCE_ISA overrides).
#pragma once

namespace ce {

// Kernel families, lowest first on each architecture: a forced level must be one the CPU supports.
enum class Isa { Portable, Avx2, Avx512, Neon };

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA3 with YMM state enabled by the OS (XGETBV)
  bool avx512f = false;   // AVX-512F with opmask/ZMM state enabled by the OS
  bool neon = false;      // AArch64 Advanced SIMD (HWCAP_ASIMD)
};

// Probed once (CPUID + XGETBV on x86-64, getauxval(AT_HWCAP) on arm64) and cached.
const CpuFeatures& cpu_features();

const char* isa_name(Isa isa);  // "portable", "avx2", "avx512", "neon"
bool isa_supported(Isa isa);    // the CPU can run it (Portable always)
Isa best_isa();                 // widest supported

// The ISA named by CE_FORCE_ISA, or best_isa() when the variable is unset or empty. Throws
// ce::Error(InvalidArgument) when it names no known ISA or one this CPU cannot run (which would crash).
Isa requested_isa();

}  // namespace ce
