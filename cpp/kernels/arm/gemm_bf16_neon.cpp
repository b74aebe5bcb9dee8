// NEON BF16 GEMM micro-kernel (AArch64 with FEAT_BF16): 6 rows x 16 columns in 24 q accumulators, one BFDOT per
// row and 4 columns for each pair of k values.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/arm/neon_target.h"
#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 6 x 4 accumulators + 4 weight vectors + 1 broadcast pair = 29 of the 32 vector registers.
constexpr int kMR = 6;

template <int kRows>
CE_NEON_TARGET(bf16)
void kernel(const uint16_t* __restrict a, size_t lda, const uint16_t* __restrict b, int kc, float* __restrict acc,
            size_t ldacc, bool accumulate) {
  float32x4_t c[kRows][4];
  for (int r = 0; r < kRows; ++r)
    for (int q = 0; q < 4; ++q) c[r][q] = accumulate ? vld1q_f32(acc + r * ldacc + 4 * q) : vdupq_n_f32(0.0f);
  for (int k = 0; k < kc; k += 2) {
    // A panel row: 16 columns x (k, k+1) pairs; each q register holds 4 columns' pairs, as BFDOT pairs them.
    const uint16_t* row = b + static_cast<size_t>(k) * kGemmNR;
    bfloat16x8_t w[4];
    for (int q = 0; q < 4; ++q) w[q] = vreinterpretq_bf16_u16(vld1q_u16(row + 8 * q));
    for (int r = 0; r < kRows; ++r) {
      uint32_t pair;
      std::memcpy(&pair, a + r * lda + k, sizeof pair);
      const bfloat16x8_t x = vreinterpretq_bf16_u32(vdupq_n_u32(pair));
      for (int q = 0; q < 4; ++q) c[r][q] = vbfdotq_f32(c[r][q], x, w[q]);
    }
  }
  for (int r = 0; r < kRows; ++r)
    for (int q = 0; q < 4; ++q) vst1q_f32(acc + r * ldacc + 4 * q, c[r][q]);
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const uint16_t*, size_t, const uint16_t*, int, float*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>, kernel<3>, kernel<4>, kernel<5>, kernel<6>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const uint16_t*>(a), lda,
                                                    static_cast<const uint16_t*>(b0), kc, static_cast<float*>(acc),
                                                    ldacc, accumulate);
}

constexpr CpuFeatures needs() {
  CpuFeatures f;
  f.capabilities = 1u << static_cast<unsigned>(CpuCapability::Bf16);
  return f;
}

}  // namespace

const GemmKernel kGemmBf16NeonKernel{.name = "neon-bf16", .isa = Isa::Neon, .format = WeightFormat::BF16, .mr = kMR,
                                     .panels = 1, .run_converted = run, .needs = needs()};

}  // namespace ce
