// NEON I8 GEMM micro-kernel (AArch64 with FEAT_I8MM): 4 rows x 16 columns, SMMLA on 2 x 8 by 8 x 2 blocks (a row
// pair times a column pair over eight k values), twice the multiply-adds per instruction of SDOT.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/arm/neon_target.h"
#include "kernels/gemm_layout.h"

namespace ce {
namespace {

// 2 row pairs x 8 column pairs = 16 accumulators (each 2 x 2: [r c, r c+1, r+1 c, r+1 c+1]) + 8 weight blocks
// + 2 row-pair blocks = 26 of the 32 vector registers.
constexpr int kMR = 4;

template <int kRows>
CE_NEON_TARGET(i8mm)
void kernel(const int8_t* __restrict a, size_t lda, const int8_t* __restrict b, int kc, int32_t* __restrict acc,
            size_t ldacc, bool accumulate) {
  constexpr int kPairs = (kRows + 1) / 2;
  int32x4_t c[kPairs][8];
  for (int p = 0; p < kPairs; ++p)
    for (int q = 0; q < 8; ++q) c[p][q] = vdupq_n_s32(0);
  for (int k = 0; k < kc; k += 8) {
    // Two panel rows (k groups g, g+1): 16 bytes = 4 columns x 4 values each. Zipping their 32-bit lanes gives
    // [col c: 8 values][col c+1: 8 values], the layout SMMLA's second operand wants.
    const int8_t* row = b + static_cast<size_t>(k) * kGemmNR;
    int8x16_t w[8];
    for (int q = 0; q < 4; ++q) {
      const uint32x4_t g0 = vreinterpretq_u32_s8(vld1q_s8(row + 16 * q));
      const uint32x4_t g1 = vreinterpretq_u32_s8(vld1q_s8(row + 64 + 16 * q));
      w[2 * q] = vreinterpretq_s8_u32(vzip1q_u32(g0, g1));
      w[2 * q + 1] = vreinterpretq_s8_u32(vzip2q_u32(g0, g1));
    }
    for (int p = 0; p < kPairs; ++p) {
      // Rows 2p and 2p+1, eight values each; a missing last row (odd kRows) is zeros, never read from memory.
      const int8x8_t lo = vld1_s8(a + (2 * p) * lda + k);
      const int8x8_t hi = 2 * p + 1 < kRows ? vld1_s8(a + (2 * p + 1) * lda + k) : vdup_n_s8(0);
      const int8x16_t x = vcombine_s8(lo, hi);
      for (int q = 0; q < 8; ++q) c[p][q] = vmmlaq_s32(c[p][q], x, w[q]);
    }
  }
  // Un-interleave: row 2p's columns 4q..4q+3 are the low halves of blocks 2q and 2q+1, row 2p+1's the high.
  for (int r = 0; r < kRows; ++r) {
    const int p = r / 2;
    for (int q = 0; q < 4; ++q) {
      const int32x4_t sums = r % 2 == 0 ? vcombine_s32(vget_low_s32(c[p][2 * q]), vget_low_s32(c[p][2 * q + 1]))
                                        : vcombine_s32(vget_high_s32(c[p][2 * q]), vget_high_s32(c[p][2 * q + 1]));
      int32_t* out = acc + r * ldacc + 4 * q;
      vst1q_s32(out, accumulate ? vaddq_s32(vld1q_s32(out), sums) : sums);
    }
  }
}

void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc, bool accumulate,
         int rows) {
  (void)b1;  // one panel per call
  using Fn = void (*)(const int8_t*, size_t, const int8_t*, int, int32_t*, size_t, bool);
  static constexpr Fn kByRows[kMR + 1] = {kernel<1>, kernel<1>, kernel<2>, kernel<3>, kernel<4>};
  kByRows[rows < 1 ? 1 : (rows > kMR ? kMR : rows)](static_cast<const int8_t*>(a), lda,
                                                    static_cast<const int8_t*>(b0), kc, static_cast<int32_t*>(acc),
                                                    ldacc, accumulate);
}

constexpr CpuFeatures needs() {
  CpuFeatures f;
  f.capabilities = 1u << static_cast<unsigned>(CpuCapability::I8mm);
  return f;
}

}  // namespace

const GemmKernel kGemmI8NeonI8mmKernel{.name = "neon-i8mm", .isa = Isa::Neon, .format = WeightFormat::I8,
                                       .mr = kMR, .panels = 1, .run_converted = run, .needs = needs()};

}  // namespace ce
