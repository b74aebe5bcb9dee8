// Runtime CPU capability probing: CPUID + XGETBV on x86-64, the kernel's HWCAP/HWCAP2 on arm64, none elsewhere.
#include "runtime/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace ce {
namespace {

// Sets bit `c` of `f` when `present`.
void set_capability(CpuFeatures& f, CpuCapability c, bool present) {
  if (present) f.capabilities |= 1u << static_cast<unsigned>(c);
}

#if defined(__x86_64__) || defined(_M_X64)
// XCR0 says which register states the OS saves on context switch; a CPU flag alone is not enough, since
// using YMM/ZMM (or AMX tile) registers the OS does not preserve would corrupt them (or fault).
uint64_t read_xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

// Bit positions: Intel SDM vol. 2A, CPUID leaves 1 and 7 (subleaves 0 and 1); XCR0 in vol. 1, 13.3.
CpuFeatures probe() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool fma = bit(ecx, 12), osxsave = bit(ecx, 27), avx = bit(ecx, 28);
  if (!osxsave || !avx) return f;  // no AVX state: nothing listed here is usable
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;                 // SSE + AVX upper halves
  const bool zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0;  // opmask, ZMM0-15 upper halves, ZMM16-31
  // XTILECFG (17) + XTILEDATA (18). Linux also wants arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) once
  // per process before the first tile instruction (else SIGILL): amx_tile_data_permitted() asks, and the
  // kernel table chooses an AMX kernel only when it was granted.
  const bool tile_state = ((xcr0 >> 17) & 3) == 3;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  const unsigned leaf7_subleaves = eax;
  set_capability(f, CpuCapability::Avx2, bit(ebx, 5) && ymm_state);
  set_capability(f, CpuCapability::Fma, fma && ymm_state);
  set_capability(f, CpuCapability::Avx512f, bit(ebx, 16) && zmm_state);
  set_capability(f, CpuCapability::Avx512bw, bit(ebx, 30) && zmm_state);
  set_capability(f, CpuCapability::Avx512vl, bit(ebx, 31) && zmm_state);
  set_capability(f, CpuCapability::Avx512Vnni, bit(ecx, 11) && zmm_state);
  set_capability(f, CpuCapability::AmxBf16, bit(edx, 22) && tile_state);
  set_capability(f, CpuCapability::AmxTile, bit(edx, 24) && tile_state);
  set_capability(f, CpuCapability::AmxInt8, bit(edx, 25) && tile_state);
  if (leaf7_subleaves >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
    set_capability(f, CpuCapability::AvxVnni, bit(eax, 4) && ymm_state);
    set_capability(f, CpuCapability::Avx512Bf16, bit(eax, 5) && zmm_state);
  }
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
// Bits of the Linux arm64 ABI (arch/arm64/include/uapi/asm/hwcap.h), spelled out for older headers.
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif
#ifndef HWCAP2_BF16
#define HWCAP2_BF16 (1 << 14)
#endif
CpuFeatures probe() {
  CpuFeatures f;
  const unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
  set_capability(f, CpuCapability::Asimd, (hwcap & HWCAP_ASIMD) != 0);
  set_capability(f, CpuCapability::Asimddp, (hwcap & HWCAP_ASIMDDP) != 0);
  set_capability(f, CpuCapability::I8mm, (hwcap2 & HWCAP2_I8MM) != 0);
  set_capability(f, CpuCapability::Bf16, (hwcap2 & HWCAP2_BF16) != 0);
  return f;
}
#elif defined(__aarch64__)
// Advanced SIMD is mandatory in AArch64. The optional extensions are left unknown (absent) off Linux; macOS
// would answer through sysctl hw.optional.arm.FEAT_*, once a kernel needs them there.
CpuFeatures probe() {
  CpuFeatures f;
  set_capability(f, CpuCapability::Asimd, true);
  return f;
}
#else
CpuFeatures probe() { return CpuFeatures{}; }
#endif

constexpr const char* kCapabilityNames[kCpuCapabilityCount] = {
#define CE_CPU_CAPABILITY_NAME(name, text) text,
    CE_CPU_CAPABILITIES(CE_CPU_CAPABILITY_NAME)
#undef CE_CPU_CAPABILITY_NAME
};

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe();
  return features;
}

const char* cpu_capability_name(CpuCapability c) {
  const auto i = static_cast<size_t>(c);
  return i < kCpuCapabilityCount ? kCapabilityNames[i] : "unknown";
}

std::vector<std::string> cpu_capability_names() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kCpuCapabilityCount; ++i)
    if (cpu_features().has(static_cast<CpuCapability>(i))) names.emplace_back(kCapabilityNames[i]);
  return names;
}

bool amx_tile_data_permitted() {
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__linux__)
  static const bool permitted = [] {
    if (!cpu_features().has(CpuCapability::AmxTile)) return false;
    constexpr long kArchReqXcompPerm = 0x1023;  // arch/x86/include/uapi/asm/prctl.h
    constexpr long kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return permitted;
#else
  return false;
#endif
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Portable: return "portable";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
    case Isa::Neon: return "neon";
  }
  return "unknown";
}

bool isa_supported(Isa isa) {
  const CpuFeatures& f = cpu_features();
  const bool avx2_fma = f.has(CpuCapability::Avx2) && f.has(CpuCapability::Fma);
  switch (isa) {
    case Isa::Portable: return true;
    case Isa::Avx2: return avx2_fma;
    case Isa::Avx512: return f.has(CpuCapability::Avx512f) && avx2_fma;
    case Isa::Neon: return f.has(CpuCapability::Asimd);
  }
  return false;
}

Isa best_isa() {
  if (isa_supported(Isa::Avx512)) return Isa::Avx512;
  if (isa_supported(Isa::Avx2)) return Isa::Avx2;
  if (isa_supported(Isa::Neon)) return Isa::Neon;
  return Isa::Portable;
}

Isa requested_isa() {
  const char* env = std::getenv("CE_FORCE_ISA");
  if (env == nullptr || *env == '\0') return best_isa();
  for (Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512, Isa::Neon}) {
    if (std::strcmp(env, isa_name(isa)) != 0) continue;
    if (!isa_supported(isa))
      throw Error(ErrorCode::InvalidArgument, std::string("CE_FORCE_ISA=") + env +
                                                  ": this CPU cannot run that instruction set (best available: " +
                                                  isa_name(best_isa()) + ")");
    return isa;
  }
  throw Error(ErrorCode::InvalidArgument, std::string("CE_FORCE_ISA=") + env +
                                              " is not one of portable, avx2, avx512, neon");
}

}  // namespace ce
