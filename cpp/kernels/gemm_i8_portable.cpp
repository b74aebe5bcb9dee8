// Portable GEMM micro-kernel, I8 weights and activations (4 x 16, GCC vector extensions): the fallback without
// AVX512-VNNI, AVX2 or NEON dot products. Exact int32 sums of signed products.
#include <cstring>

#include "kernels/gemm_layout.h"
#include "kernels/vec16.h"

#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {
namespace {

constexpr int kMR = 4;

template <int kRows>
void kernel(const int8_t* __restrict a, size_t lda, const int8_t* __restrict b, int kc, int32_t* __restrict acc,
            size_t ldacc, bool accumulate) {
  Int16 c[kRows];
  for (int r = 0; r < kRows; ++r) {
    if (accumulate) {
      std::memcpy(&c[r], acc + r * ldacc, sizeof c[r]);
    } else {
      c[r] = Int16{};
    }
  }
  for (int k = 0; k < kc; k += 4) {
    // 16 lanes, each column j's four int8 values at k..k+3 (lowest byte first); each sign-extended by shifts.
    Int16 lanes;
    std::memcpy(&lanes, b + static_cast<size_t>(k) * kGemmNR, sizeof lanes);
    const Int16 w[4] = {(lanes << 24) >> 24, (lanes << 16) >> 24, (lanes << 8) >> 24, lanes >> 24};
    for (int r = 0; r < kRows; ++r)
      for (int t = 0; t < 4; ++t) c[r] += static_cast<int32_t>(a[r * lda + k + t]) * w[t];
  }
  for (int r = 0; r < kRows; ++r) std::memcpy(acc + r * ldacc, &c[r], sizeof c[r]);
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

}  // namespace

const GemmKernel kGemmI8PortableKernel{.name = "portable-i8", .isa = Isa::Portable, .format = WeightFormat::I8,
                                       .mr = kMR, .panels = 1, .run_converted = run};

}  // namespace ce
