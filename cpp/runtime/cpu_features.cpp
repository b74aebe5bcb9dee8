// Runtime CPU feature probing: CPUID + XGETBV on x86-64, the kernel's HWCAP on arm64, none elsewhere.
#include "runtime/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace ce {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
// XCR0 says which register states the OS saves on context switch; a CPU flag alone is not enough, since
// using YMM/ZMM registers the OS does not preserve would corrupt them (or fault).
uint64_t read_xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

CpuFeatures probe() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;     // SSE + AVX upper halves
  const bool zmm_state = (xcr0 & 0xE0) == 0xE0;   // opmask, ZMM0-15 upper halves, ZMM16-31
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  const bool avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1;
  f.avx2_fma = avx2 && fma && ymm_state;
  f.avx512f = avx512f && ymm_state && zmm_state;
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
CpuFeatures probe() {
  CpuFeatures f;
  f.neon = (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
  return f;
}
#elif defined(__aarch64__)
CpuFeatures probe() {
  CpuFeatures f;
  f.neon = true;  // Advanced SIMD is mandatory in AArch64
  return f;
}
#else
CpuFeatures probe() { return CpuFeatures{}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe();
  return features;
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
  switch (isa) {
    case Isa::Portable: return true;
    case Isa::Avx2: return f.avx2_fma;
    case Isa::Avx512: return f.avx512f && f.avx2_fma;
    case Isa::Neon: return f.neon;
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
