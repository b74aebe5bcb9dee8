// NEON GEMM micro-kernel (AArch64), F32 weights: 6 rows x 16 columns (one weight panel) in 24 q accumulators.
#include <arm_neon.h>

#include <cstddef>

#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 6 x 4 accumulators + 4 weight vectors + 1 broadcast = 29 of the 32 vector registers.
constexpr int kMR = 6;

template <bool kLoad>
void kernel(const float* __restrict a, const float* __restrict b0, int kc, float* __restrict acc, size_t ldacc) {
  float32x4_t c[kMR][4];
  for (int r = 0; r < kMR; ++r)
    for (int q = 0; q < 4; ++q) c[r][q] = kLoad ? vld1q_f32(acc + r * ldacc + 4 * q) : vdupq_n_f32(0.0f);
  for (int k = 0; k < kc; ++k) {
    const float* bk = b0 + static_cast<size_t>(k) * kGemmNR;
    const float32x4_t w0 = vld1q_f32(bk), w1 = vld1q_f32(bk + 4), w2 = vld1q_f32(bk + 8), w3 = vld1q_f32(bk + 12);
    const float* ak = a + static_cast<size_t>(k) * kMR;
    for (int r = 0; r < kMR; ++r) {
      const float32x4_t x = vdupq_n_f32(ak[r]);
      c[r][0] = vfmaq_f32(c[r][0], x, w0);
      c[r][1] = vfmaq_f32(c[r][1], x, w1);
      c[r][2] = vfmaq_f32(c[r][2], x, w2);
      c[r][3] = vfmaq_f32(c[r][3], x, w3);
    }
  }
  for (int r = 0; r < kMR; ++r)
    for (int q = 0; q < 4; ++q) vst1q_f32(acc + r * ldacc + 4 * q, c[r][q]);
}

void run(const float* a, const void* b0_bytes, const void*, int kc, float* acc, size_t ldacc, bool accumulate) {
  const auto* b0 = static_cast<const float*>(b0_bytes);
  if (accumulate)
    kernel<true>(a, b0, kc, acc, ldacc);
  else
    kernel<false>(a, b0, kc, acc, ldacc);
}

}  // namespace

const GemmKernel kGemmF32NeonKernel{
    .name = "neon-f32", .isa = Isa::Neon, .format = WeightFormat::F32, .mr = kMR, .panels = 1, .run = run};

}  // namespace ce
