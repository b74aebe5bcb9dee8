// Which SIMD instruction sets and extensions this CPU (and OS) can run, and which ISA the GEMM uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ce {

// Kernel families, lowest first on each architecture: a forced level must be one the CPU supports.
enum class Isa { Portable, Avx2, Avx512, Neon };

// Capabilities probed separately from the ISA level: a kernel for a weight format may need one beyond its ISA
// (a bf16 kernel on AVX-512 needs avx512_bf16; AMX needs amx_tile and amx_bf16/amx_int8). The names are the
// kernel's own (/proc/cpuinfo "flags" on x86-64, "Features" on arm64), so both can be compared.
// Each means usable: the CPU has it and the OS saves the registers it needs (XCR0).
#define CE_CPU_CAPABILITIES(X)                                                                \
  X(Avx2, "avx2")                                                                             \
  X(Fma, "fma")                                                                               \
  X(Avx512f, "avx512f")                                                                       \
  X(Avx512bw, "avx512bw")                                                                     \
  X(Avx512vl, "avx512vl")                                                                     \
  X(Avx512Bf16, "avx512_bf16")     /* VDPBF16PS */                                            \
  X(Avx512Vnni, "avx512_vnni")     /* VPDPBUSD on zmm */                                      \
  X(AvxVnni, "avx_vnni")           /* VPDPBUSD on ymm, VEX-encoded */                         \
  X(AmxTile, "amx_tile")                                                                      \
  X(AmxBf16, "amx_bf16")                                                                      \
  X(AmxInt8, "amx_int8")                                                                      \
  X(Asimd, "asimd")                /* AArch64 Advanced SIMD (NEON) */                         \
  X(Asimddp, "asimddp")            /* SDOT/UDOT */                                            \
  X(I8mm, "i8mm")                  /* SMMLA/USMMLA */                                         \
  X(Bf16, "bf16")                  /* BFMMLA/BFDOT */

enum class CpuCapability {
#define CE_CPU_CAPABILITY_ENUMERATOR(name, text) name,
  CE_CPU_CAPABILITIES(CE_CPU_CAPABILITY_ENUMERATOR)
#undef CE_CPU_CAPABILITY_ENUMERATOR
};

inline constexpr size_t kCpuCapabilityCount = 0
#define CE_CPU_CAPABILITY_COUNT(name, text) +1
    CE_CPU_CAPABILITIES(CE_CPU_CAPABILITY_COUNT)
#undef CE_CPU_CAPABILITY_COUNT
    ;

struct CpuFeatures {
  uint32_t capabilities = 0;  // bit i set: CpuCapability i is usable
  bool has(CpuCapability c) const { return (capabilities >> static_cast<unsigned>(c)) & 1u; }
};
static_assert(kCpuCapabilityCount <= 32, "CpuFeatures::capabilities has 32 bits");

// Probed once (CPUID + XGETBV on x86-64, getauxval(AT_HWCAP/AT_HWCAP2) on Linux arm64) and cached.
const CpuFeatures& cpu_features();

const char* cpu_capability_name(CpuCapability c);  // "avx512_bf16", ...
// The names of the capabilities this CPU has, in list order (for `info` output).
std::vector<std::string> cpu_capability_names();

// Linux x86-64 keeps AMX tile data off until a process asks (arch_prctl ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA);
// a tile instruction before that is SIGILL. Asks once per process (only when the CPU has amx_tile) and caches
// the answer: false on refusal, without AMX, or elsewhere. AMX kernels are chosen only when it is true.
bool amx_tile_data_permitted();

const char* isa_name(Isa isa);  // "portable", "avx2", "avx512", "neon"
bool isa_supported(Isa isa);    // the CPU can run it (Portable always)
Isa best_isa();                 // widest supported

// The ISA named by CE_FORCE_ISA, or best_isa() when the variable is unset or empty. Throws
// ce::Error(InvalidArgument) when it names no known ISA or one this CPU cannot run (which would crash).
Isa requested_isa();

}  // namespace ce
