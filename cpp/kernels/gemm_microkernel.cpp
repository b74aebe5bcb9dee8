// The fast GEMM's inner kernel, compiled for AVX-512, AVX2+FMA and baseline x86-64 with runtime dispatch.
#include "kernels/gemm_layout.h"
#include "kernels/vec16.h"

#include <cstring>

namespace ce {

// target_clones makes GCC emit one copy per ISA and pick at load time via CPUID, so one binary uses the
// widest vectors the machine has. The j loop has no cross-lane reduction, so it vectorises without
// -ffast-math, and each acc element is a plain k-ordered chain: results do not depend on the call shape.
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define CE_GEMM_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define CE_GEMM_CLONES
#endif

// One Vec16 per output row: each clone lowers it to its own registers (1 zmm, 2 ymm or 4 xmm), so the
// accumulators stay in registers instead of an array the auto-vectoriser would spill.
static_assert(kVecLanes == kGemmNR, "one vector per panel row");

CE_GEMM_CLONES
void gemm_microkernel(const float* __restrict x, size_t ldx, const float* __restrict panel, int k,
                      float* __restrict acc) {
  Vec16 c[kGemmMR];
  for (int r = 0; r < kGemmMR; ++r) c[r] = Vec16{};
  for (int kk = 0; kk < k; ++kk) {
    Vec16 w;
    std::memcpy(&w, panel + static_cast<size_t>(kk) * kGemmNR, sizeof(w));  // unaligned-safe load
    for (int r = 0; r < kGemmMR; ++r) c[r] += x[r * ldx + kk] * w;
  }
  std::memcpy(acc, c, sizeof(c));
}

}  // namespace ce
