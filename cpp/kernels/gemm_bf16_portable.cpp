// Portable GEMM micro-kernel, BF16 weights and activations (6 x 16, GCC vector extensions): the fallback without
// AVX512-BF16, AVX2 or NEON BF16. Exact bf16 products accumulated in fp32 in k order: the reference's bits.
#include <cstring>

#include "kernels/gemm_layout.h"
#include "kernels/vec16.h"

// Vec16 values never cross a non-inlined call boundary here, so the vector-ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {
namespace {

constexpr int kMR = 6;

// bf16 -> fp32 is a 16-bit shift: a panel row of 16 columns x (k, k+1) pairs is 16 32-bit lanes whose low half
// is column j's value at k (little-endian), high half the value at k + 1.
__attribute__((always_inline)) inline void widen_pairs(const uint16_t* row, Vec16& even, Vec16& odd) {
  Int16 lanes;
  std::memcpy(&lanes, row, sizeof lanes);
  const Int16 lo = lanes << 16, hi = lanes & static_cast<int32_t>(0xFFFF0000u);
  std::memcpy(&even, &lo, sizeof even);
  std::memcpy(&odd, &hi, sizeof odd);
}

__attribute__((always_inline)) inline float widen(uint16_t b) {
  const uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

template <int kRows>
void kernel(const uint16_t* __restrict a, size_t lda, const uint16_t* __restrict b, int kc, float* __restrict acc,
            size_t ldacc, bool accumulate) {
  Vec16 c[kRows];
  for (int r = 0; r < kRows; ++r) c[r] = accumulate ? load_vec16(acc + r * ldacc) : Vec16{};
  for (int k = 0; k < kc; k += 2) {
    Vec16 even, odd;
    widen_pairs(b + static_cast<size_t>(k) * kGemmNR, even, odd);
    for (int r = 0; r < kRows; ++r) {
      // Two separate adds in k order; each product of two bf16 values is exact in fp32, so a contracted FMA
      // gives the same bits.
      c[r] += widen(a[r * lda + k]) * even;
      c[r] += widen(a[r * lda + k + 1]) * odd;
    }
  }
  for (int r = 0; r < kRows; ++r) store_vec16(acc + r * ldacc, c[r]);
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

}  // namespace

const GemmKernel kGemmBf16PortableKernel{.name = "portable-bf16", .isa = Isa::Portable, .format = WeightFormat::BF16,
                                         .mr = kMR, .panels = 1, .run_converted = run};

}  // namespace ce
