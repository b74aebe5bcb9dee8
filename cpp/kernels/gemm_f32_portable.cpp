// Portable GEMM micro-kernel, F32 weights (6 x 16, GCC vector extensions): the fallback without AVX2 or NEON.
#include <cstring>

#include "kernels/gemm_layout.h"
#include "kernels/vec16.h"

// Vec16 values never cross a non-inlined call boundary here, so the vector-ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {
namespace {

constexpr int kMR = 6;

// Built for the baseline target (no -m flags), so it runs on any CPU of the architecture. One Vec16 per row
// keeps the accumulators in registers (two or four per row at SSE width).
template <bool kLoad>
void kernel_1panel(const float* __restrict a, const float* __restrict b0, int kc, float* __restrict acc,
                   size_t ldacc) {
  Vec16 c[kMR];
  for (int r = 0; r < kMR; ++r) c[r] = kLoad ? load_vec16(acc + r * ldacc) : Vec16{};
  for (int k = 0; k < kc; ++k) {
    const Vec16 w = load_vec16(b0 + static_cast<size_t>(k) * kGemmNR);
    for (int r = 0; r < kMR; ++r) c[r] += a[k * kMR + r] * w;
  }
  for (int r = 0; r < kMR; ++r) store_vec16(acc + r * ldacc, c[r]);
}

void run(const float* a, const void* b0_bytes, const void*, int kc, float* acc, size_t ldacc, bool accumulate) {
  const auto* b0 = static_cast<const float*>(b0_bytes);
  if (accumulate)
    kernel_1panel<true>(a, b0, kc, acc, ldacc);
  else
    kernel_1panel<false>(a, b0, kc, acc, ldacc);
}

}  // namespace

const GemmKernel kGemmF32PortableKernel{
    .name = "portable-f32", .isa = Isa::Portable, .format = WeightFormat::F32, .mr = kMR, .panels = 1, .run = run};

}  // namespace ce
