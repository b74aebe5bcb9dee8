// NEON I8 GEMM micro-kernel (AArch64 with FEAT_DotProd): 6 rows x 16 columns in 24 q int32 accumulators, one SDOT
// per row and 4 columns for each four k values (signed x signed, exact int32 sums).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/arm/neon_target.h"
#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 6 x 4 accumulators + 4 weight vectors + 1 broadcast group = 29 of the 32 vector registers.
constexpr int kMR = 6;

template <int kRows>
CE_NEON_TARGET(dotprod)
void kernel(const int8_t* __restrict a, size_t lda, const int8_t* __restrict b, int kc, int32_t* __restrict acc,
            size_t ldacc, bool accumulate) {
  int32x4_t c[kRows][4];
  for (int r = 0; r < kRows; ++r)
    for (int q = 0; q < 4; ++q) c[r][q] = accumulate ? vld1q_s32(acc + r * ldacc + 4 * q) : vdupq_n_s32(0);
  for (int k = 0; k < kc; k += 4) {
    // A panel row: 16 columns x four k values; each q register holds 4 columns' groups, as SDOT groups them.
    const int8_t* row = b + static_cast<size_t>(k) * kGemmNR;
    int8x16_t w[4];
    for (int q = 0; q < 4; ++q) w[q] = vld1q_s8(row + 16 * q);
    for (int r = 0; r < kRows; ++r) {
      uint32_t group;
      std::memcpy(&group, a + r * lda + k, sizeof group);
      const int8x16_t x = vreinterpretq_s8_u32(vdupq_n_u32(group));
      for (int q = 0; q < 4; ++q) c[r][q] = vdotq_s32(c[r][q], x, w[q]);
    }
  }
  for (int r = 0; r < kRows; ++r)
    for (int q = 0; q < 4; ++q) vst1q_s32(acc + r * ldacc + 4 * q, c[r][q]);
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const int8_t*, size_t, const int8_t*, int, int32_t*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>, kernel<3>, kernel<4>, kernel<5>, kernel<6>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const int8_t*>(a), lda,
                                                    static_cast<const int8_t*>(b0), kc, static_cast<int32_t*>(acc),
                                                    ldacc, accumulate);
}

constexpr CpuFeatures needs() {
  CpuFeatures f;
  f.capabilities = 1u << static_cast<unsigned>(CpuCapability::Asimddp);
  return f;
}

}  // namespace

const GemmKernel kGemmI8NeonDotKernel{.name = "neon-dotprod", .isa = Isa::Neon, .format = WeightFormat::I8,
                                      .mr = kMR, .panels = 1, .run_converted = run, .needs = needs()};

}  // namespace ce
