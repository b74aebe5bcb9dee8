// BF16 and I8 GEMM tests: conversions, packing, every kernel this CPU runs vs its format's reference (bf16 within
// the stated rounding bound, int8 bitwise), row/batch/thread independence, and which variants could not run here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "kernels/activations.h"
#include "kernels/gemm.h"
#include "kernels/gemm_convert.h"
#include "kernels/gemm_kernels.h"
#include "kernels/gemm_layout.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"
#include "amx_tile_model.h"
#include "test_support.h"

namespace ce {
namespace {

std::vector<float> random_vec(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

constexpr WeightFormat kConverted[] = {WeightFormat::BF16, WeightFormat::I8};

// The kernels of `format` this CPU runs, each forced in turn (not only the one linear_forward picks), and the AMX
// tile program on the tile model (amx_tile_model.h), which runs everywhere.
std::vector<const GemmKernel*> runnable(WeightFormat format) {
  std::vector<const GemmKernel*> out;
  for (const GemmKernel* k : compiled_gemm_kernels())
    if (k->format == format && gemm_kernel_runnable(*k)) out.push_back(k);
  out.push_back(format == WeightFormat::BF16 ? &amx_model::kBf16 : &amx_model::kInt8);
  return out;
}

// The BF16 kernels that add one exact product at a time in k order: the reference's bits exactly (a bf16 x bf16
// product is exact in fp32, so FMA or multiply-then-add round alike). The tile model follows the SDM's order.
bool k_ordered(const GemmKernel& k) {
  const std::string name = k.name;
  return name == "portable-bf16" || name == "avx2-bf16" || &k == &amx_model::kBf16;
}

// ---- Conversions ----

TEST(GemmConvert, Bf16RoundsToNearestEven) {
  EXPECT_EQ(bf16_from_float(1.0f), 0x3F80);
  EXPECT_EQ(bf16_from_float(-2.0f), 0xC000);
  // 1 + 2^-8 is halfway between bf16 1.0 (even) and 1 + 2^-7: to even, down. 1 + 3 * 2^-8: halfway, up to even.
  EXPECT_EQ(bf16_from_float(bits_to_float(0x3F808000u)), 0x3F80);
  EXPECT_EQ(bf16_from_float(bits_to_float(0x3F818000u)), 0x3F82);
  EXPECT_EQ(bf16_from_float(bits_to_float(0x3F808001u)), 0x3F81);  // just above halfway: up
  EXPECT_EQ(bf16_from_float(bits_to_float(0x3F807FFFu)), 0x3F80);  // just below: down
  EXPECT_EQ(bf16_from_float(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(bf16_from_float(3.4028234663852886e38f), 0x7F80);  // FLT_MAX rounds up to infinity, as torch does
  const uint16_t nan = bf16_from_float(bits_to_float(0x7F800001u));  // a NaN whose payload is in the low half
  EXPECT_TRUE(std::isnan(float_from_bf16(nan))) << std::hex << nan;
  for (float f : {0.0f, -0.0f, 0.15625f, -3.5f, bits_to_float(0x00010000u)})  // the last: a bf16 subnormal
    EXPECT_EQ(float_from_bf16(bf16_from_float(f)), f) << f;  // representable values survive
  std::vector<uint16_t> rows(2 * 5, 0xFFFF);
  const float x[6] = {1, 2, 3, 4, 5, 6};
  round_rows_to_bf16(x, 3, 2, rows.data(), 5);
  EXPECT_EQ(rows, (std::vector<uint16_t>{0x3F80, 0x4000, 0x4040, 0, 0, 0x4080, 0x40A0, 0x40C0, 0, 0}));
}

// round_rows_to_bf16 (the driver's conversion: VCVTNE2PS2BF16 where the CPU has AVX512-BF16, the integer
// rounding elsewhere; ctest's forced_* runs take the latter) gives bf16_from_float's bits for every class of
// value: normals, ties, NaNs with payloads, infinities, zeros and denormals (which the instruction alone would
// flush), in whole 32-value blocks and in tails.
TEST(GemmConvert, RoundRowsMatchesTheScalarRoundingOnEveryClassOfValue) {
  std::mt19937 rng(7);
  const uint32_t specials[] = {0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu, 0x00400000u, 0x7F800000u,
                               0xFF800000u, 0x7F800001u, 0xFFC00000u, 0x7FBFFFFFu, 0x3F808000u, 0x3F818000u,
                               0x7F7FFFFFu, 0x00800000u, 0x0080FFFFu, 0x3F807FFFu};
  for (size_t k : {size_t{32}, size_t{100}, size_t{384}}) {
    for (int denormals : {0, 1}) {
      const size_t rows = 7, ld = k + 13;
      std::vector<float> x(rows * k);
      for (size_t i = 0; i < x.size(); ++i) {
        uint32_t bits = rng();
        if (i % 5 == 0) bits = specials[(i / 5) % (sizeof specials / sizeof specials[0])];
        if (!denormals && (bits & 0x7F800000u) == 0) bits |= 0x3F000000u;  // blocks without denormals too
        x[i] = bits_to_float(bits);
      }
      std::vector<uint16_t> out(rows * ld, 0xFFFF);
      round_rows_to_bf16(x.data(), k, rows, out.data(), ld);
      for (size_t r = 0; r < rows; ++r)
        for (size_t i = 0; i < ld; ++i) {
          uint32_t in = 0;
          if (i < k) std::memcpy(&in, &x[r * k + i], sizeof in);
          ASSERT_EQ(out[r * ld + i], i < k ? bf16_from_float(x[r * k + i]) : 0)
              << "k " << k << " row " << r << " col " << i << " input 0x" << std::hex << in;
        }
    }
  }
}

TEST(GemmConvert, Int8QuantisationIsSymmetricPerVector) {
  // max |v| = 254 -> scale 2, inverse 0.5; v * inverse: 127, -63.5 (tie: to even, -64), 0.5 (tie: 0), 1.5 (tie:
  // 2), 10.
  const float v[] = {254.0f, -127.0f, 1.0f, 3.0f, 20.0f};
  int8_t q[8];
  const float scale = quantize_i8(v, 5, 8, q);
  EXPECT_EQ(scale, 2.0f);
  const int8_t want[] = {127, -64, 0, 2, 10};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q[i], want[i]) << i;
  EXPECT_EQ(q[5], 0);
  EXPECT_EQ(q[7], 0);
  // A product rounds once, then to an integer: 2.54 / 127 * (127 / 2.54) need not be 1, the quantised value is
  // RNE of the rounded product (the definition the kernels and references share).
  const float w[] = {2.54f, -1.27f, 0.01f, 0.03f, 0.2f};
  const float inverse = 127.0f / 2.54f;
  EXPECT_EQ(quantize_i8(w, 5, 8, q), 2.54f / 127.0f);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q[i], static_cast<int8_t>(std::nearbyint(w[i] * inverse))) << i;
  // The u8 form: the same values + 128, padding 128 (zero).
  int8_t u[8];
  EXPECT_EQ(quantize_i8(v, 5, 8, u, true), scale);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(static_cast<uint8_t>(u[i]), q[i] + 128) << i;
  // All zeros: scale 0, all q 0. A non-finite value: NaN scale (the row's outputs become NaN), all q 0.
  const float zeros[3] = {0, -0.0f, 0};
  EXPECT_EQ(quantize_i8(zeros, 3, 4, q), 0.0f);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(q[i], 0);
  for (float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    const float row[3] = {1.0f, bad, 2.0f};
    EXPECT_TRUE(std::isnan(quantize_i8(row, 3, 4, q)));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(q[i], 0);
  }
  // Dequantisation: (sum - zero * column sum) * (row scale * channel scale), wrap-around corrected: 2 * (2^30 - 2)
  // wraps to -2^31 + ... as the raw sum does, and the difference is 4.
  const int32_t sums[2] = {static_cast<int32_t>(0x80000000u), 300};
  const int32_t column_sums[2] = {0x40000000 - 2, 50};
  const float cs[2] = {0.5f, 0.25f};
  float out[2];
  dequantize_i8(sums, column_sums, 2, 2.0f, cs, 2, out);
  EXPECT_EQ(out[0], 4.0f);
  EXPECT_EQ(out[1], 200.0f * 0.5f);
}

TEST(GemmConvert, Int8RowQuantisationIsAsymmetricPerRow) {
  // Range [-1, 3]: scale 4 / 254, inverse 63.5; zero = -127 - RNE(-63.5) = -127 + 64 = -63 (tie to even);
  // q = RNE(v * 63.5) - 63: -1 -> -64 - 63 = -127, 0 -> -63, 3 -> 190 (tie: even) - 63 = 127, 1.5 -> 95 - 63 = 32,
  // 0.75 -> RNE(47.625) - 63 = -15; the padding holds the zero.
  const float v[] = {-1.0f, 0.0f, 3.0f, 1.5f, 0.75f};
  int8_t q[8];
  QuantizedRow row = quantize_row_i8(v, 5, 8, q);
  EXPECT_EQ(row.scale, 4.0f / 254.0f);
  EXPECT_EQ(row.zero, -63);
  const int8_t want[] = {-127, -63, 127, 32, -15, -63, -63, -63};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(q[i], want[i]) << i;
  // The u8 form: the same values + 128, and a zero 128 higher.
  int8_t u[8];
  row = quantize_row_i8(v, 5, 8, u, true);
  EXPECT_EQ(row.zero, 65);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(static_cast<uint8_t>(u[i]), want[i] + 128) << i;
  // Every value comes back within half a step.
  for (int i = 0; i < 5; ++i) EXPECT_NEAR((q[i] + 63) * (4.0f / 254.0f), v[i], 0.5001f * 4.0f / 254.0f) << i;
  // A one-signed row uses all 255 codes: [0, 2.54] -> zero -127, max -> 127.
  const float positive[] = {0.5f, 2.54f, 1.0f};
  row = quantize_row_i8(positive, 3, 3, q);
  EXPECT_EQ(row.scale, 2.54f / 254.0f);
  EXPECT_EQ(row.zero, -127);
  EXPECT_EQ(q[1], 127);
  // A symmetric row gives quantize_i8's bytes and scale with zero 0.
  const float symmetric[] = {254.0f, -254.0f, 1.0f, 3.0f, 20.0f, -0.3f};
  int8_t sym[6];
  row = quantize_row_i8(symmetric, 6, 6, q);
  EXPECT_EQ(row.zero, 0);
  EXPECT_EQ(row.scale, quantize_i8(symmetric, 6, 6, sym));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(q[i], sym[i]) << i;
  // All zeros: scale 0, every byte the zero. Not finite: NaN. A range too wide for fp32: the symmetric range.
  const float zeros[3] = {0, -0.0f, 0};
  row = quantize_row_i8(zeros, 3, 4, u, true);
  EXPECT_EQ(row.scale, 0.0f);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(static_cast<uint8_t>(u[i]), 128);
  for (float bad : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::quiet_NaN()}) {
    const float bad_row[3] = {1.0f, bad, 2.0f};
    EXPECT_TRUE(std::isnan(quantize_row_i8(bad_row, 3, 4, q).scale));
  }
  const float huge = std::numeric_limits<float>::max();
  const float wide[] = {huge, -huge / 2, 1.0f};
  row = quantize_row_i8(wide, 3, 3, q);
  EXPECT_EQ(row.zero, 0);
  EXPECT_EQ(row.scale, huge / 127.0f);
  EXPECT_EQ(q[0], 127);
  EXPECT_EQ(q[1], static_cast<int8_t>(std::nearbyint(-huge / 2 * (127.0f / huge))));
  // A range so narrow that 254 / range overflows: v / scale by division (as quantize_i8 for a tiny max).
  const float narrow[] = {3e-38f, -1e-38f, 1e-38f};
  row = quantize_row_i8(narrow, 3, 3, q);
  const float narrow_scale = (3e-38f + 1e-38f) / 254.0f;
  ASSERT_TRUE(std::isinf(254.0f / (3e-38f + 1e-38f)));
  EXPECT_EQ(row.scale, narrow_scale);
  EXPECT_EQ(row.zero, -127 - static_cast<int32_t>(std::nearbyint(-1e-38f / narrow_scale)));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(q[i], std::clamp(static_cast<int32_t>(std::nearbyint(narrow[i] / narrow_scale)) + row.zero, -127, 127))
        << i;
  EXPECT_EQ(q[1], -127);  // the low end is the zero's own step (the scale, subnormal here, is coarse: max -> 126)
  // With multipliers, the products are what is quantised.
  const float m[] = {2.0f, 1.0f, 0.5f, 4.0f, -1.0f};
  float products[5];
  for (int i = 0; i < 5; ++i) products[i] = v[i] * m[i];
  int8_t direct[5];
  const QuantizedRow plain = quantize_row_i8(products, 5, 5, direct);
  row = quantize_row_i8(v, 5, 5, q, false, m);
  EXPECT_EQ(row.scale, plain.scale);
  EXPECT_EQ(row.zero, plain.zero);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q[i], direct[i]) << i;
}

// The conversions (one copy per ISA level, run at the forced level under ctest's forced_* runs) against plain
// scalar formulas on many random vectors: the same bits.
TEST(GemmConvert, VectorisedConversionsMatchScalarFormulas) {
  std::mt19937 rng(11);
  for (size_t n : {1u, 3u, 15u, 16u, 17u, 64u, 383u, 1536u}) {
    std::vector<float> v(n);
    std::uniform_real_distribution<float> dist(-5.0f, 5.0f);
    for (auto& x : v) x = dist(rng);
    float amax = 0.0f;
    for (float x : v) amax = std::max(amax, std::fabs(x));
    const float scale = amax / 127.0f, inverse = 127.0f / amax;
    for (bool offset : {false, true}) {
      std::vector<int8_t> q(n + 64);
      ASSERT_EQ(quantize_i8(v.data(), n, n + 64, q.data(), offset), scale);
      for (size_t i = 0; i < n; ++i) {
        volatile float product = v[i] * inverse;  // rounded on its own, as the kernel's multiply
        const float want = std::min(127.0f, std::max(-127.0f, std::nearbyint(static_cast<float>(product))));
        ASSERT_EQ(static_cast<int>(offset ? static_cast<uint8_t>(q[i]) - 128 : q[i]), static_cast<int>(want))
            << "n=" << n << " i=" << i << " v=" << v[i];
      }
    }
    // The abs max runs on the float bit patterns (vectorised): a non-finite value anywhere (in the vector body as
    // well as in the scalar tail) must still give a NaN scale, and the largest magnitude may be negative, tiny or
    // subnormal.
    for (float bad : {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                      std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN()}) {
      std::vector<float> w = v;
      w[rng() % n] = bad;
      std::vector<int8_t> q(n);
      ASSERT_TRUE(std::isnan(quantize_i8(w.data(), n, n, q.data()))) << "n=" << n << " bad=" << bad;
    }
    for (float top : {-7.5f, 3e-39f, -1e-44f}) {
      std::vector<float> w(n);
      for (size_t i = 0; i < n; ++i) w[i] = v[i] * std::fabs(top) * 0.01f;
      w[rng() % n] = top;
      std::vector<int8_t> q(n);
      const float top_scale = std::fabs(top) / 127.0f, top_inverse = 127.0f / std::fabs(top);
      ASSERT_EQ(quantize_i8(w.data(), n, n, q.data()), top_scale) << "n=" << n << " top=" << top;
      // A subnormal max's inverse overflows: those rows divide by the scale instead of multiplying.
      for (size_t i = 0; i < n; ++i) {
        volatile float ratio = std::isinf(top_inverse) ? w[i] / top_scale : w[i] * top_inverse;
        ASSERT_EQ(q[i], static_cast<int8_t>(std::nearbyint(static_cast<float>(ratio)))) << "n=" << n << " top=" << top;
      }
    }
    // The asymmetric row quantiser, shifted rows (one-signed, mostly one sign, symmetric-ish), against the
    // formula: range and zero in scalar code, then RNE(v * inverse) + zero, clamped; the range runs on the bit
    // patterns too (vectorised), so the extremes may sit anywhere, and a non-finite value anywhere gives NaN.
    for (float shift : {0.0f, 2.0f, -4.9f, 5.0f}) {
      std::vector<float> w(n);
      for (size_t i = 0; i < n; ++i) w[i] = v[i] + shift;
      float lo = 0.0f, hi = 0.0f;
      for (float x : w) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      const float row_scale = (hi - lo) / 254.0f, row_inverse = 254.0f / (hi - lo);
      volatile float steps = lo * row_inverse;
      const auto zero = -127 - static_cast<int32_t>(std::nearbyint(static_cast<float>(steps)));
      for (bool offset : {false, true}) {
        std::vector<int8_t> q(n + 64);
        const QuantizedRow row = quantize_row_i8(w.data(), n, n + 64, q.data(), offset);
        ASSERT_EQ(row.scale, row_scale) << "n=" << n << " shift=" << shift;
        ASSERT_EQ(row.zero, zero + (offset ? 128 : 0));
        for (size_t i = 0; i < n + 64; ++i) {
          volatile float product = i < n ? w[i] * row_inverse : 0.0f;
          const int want = std::clamp(static_cast<int>(std::nearbyint(static_cast<float>(product))) + zero, -127, 127);
          ASSERT_EQ(static_cast<int>(offset ? static_cast<uint8_t>(q[i]) - 128 : q[i]), want)
              << "n=" << n << " shift=" << shift << " i=" << i;
        }
      }
      w[rng() % n] = std::numeric_limits<float>::quiet_NaN();
      std::vector<int8_t> q(n);
      ASSERT_TRUE(std::isnan(quantize_row_i8(w.data(), n, n, q.data()).scale)) << "n=" << n;
    }
    std::vector<uint16_t> b(n);
    round_rows_to_bf16(v.data(), n, 1, b.data(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(b[i], bf16_from_float(v[i]));
    std::vector<int32_t> sums(n), column_sums(n);
    std::vector<float> cs(n), out(n);
    for (size_t i = 0; i < n; ++i) {
      sums[i] = static_cast<int32_t>(rng());
      column_sums[i] = static_cast<int32_t>(rng() % 200000) - 100000;
      cs[i] = dist(rng);
    }
    auto corrected = [&](int32_t sum, size_t i, int32_t zero) {
      const uint32_t product = static_cast<uint32_t>(zero) * static_cast<uint32_t>(column_sums[i]);
      return static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(sum) - product));
    };
    dequantize_i8(sums.data(), column_sums.data(), 201, 0.37f, cs.data(), n, out.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], corrected(sums[i], i, 201) * (0.37f * cs[i])) << i;
    // The tile form: rows of a strided tile, each with its own zero and scale; the rows' padding untouched.
    const size_t rows = 3, ld = n + 5;
    const float row_scales[rows] = {0.37f, -1.5f, 3e-3f};
    const int32_t row_zeros[rows] = {0, -127, 255};
    std::vector<int32_t> tile(rows * ld);
    for (auto& t : tile) t = static_cast<int32_t>(rng());
    std::vector<float> tile_out(rows * ld, -7.0f);
    dequantize_i8_rows(tile.data(), ld, column_sums.data(), row_zeros, row_scales, cs.data(), rows, n,
                       tile_out.data(), ld);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(tile_out[r * ld + i], corrected(tile[r * ld + i], i, row_zeros[r]) * (row_scales[r] * cs[i]))
            << r << " " << i;
      for (size_t i = n; i < ld; ++i) ASSERT_EQ(tile_out[r * ld + i], -7.0f);
    }
  }
}

// ---- Packing ----

TEST(GemmPack, ConvertedLayoutsHoldTheRoundedOrQuantisedWeights) {
  for (const auto& [n, k] : std::vector<std::pair<int, int>>{{1, 1}, {17, 5}, {33, 64}, {16, 65}, {40, 130}}) {
    const std::vector<float> w = random_vec(static_cast<size_t>(n) * k, static_cast<uint32_t>(n * 7 + k), 3.0f);
    const PackedLinear b = pack_linear(w, {}, n, k, WeightFormat::BF16);
    EXPECT_EQ(b.format(), WeightFormat::BF16);
    const size_t kp16 = gemm_padded_k(WeightFormat::BF16, k), kp8 = gemm_padded_k(WeightFormat::I8, k);
    EXPECT_EQ(kp16 % 32, 0u);
    EXPECT_EQ(kp8 % 64, 0u);
    EXPECT_EQ(b.packed.size_bytes(), gemm_panel_count(n) * kp16 * 16 * 2);
    EXPECT_EQ(b.packed.size_bytes(), packed_weights_bytes(WeightFormat::BF16, n, k));
    // Panel rows are 64 bytes: column j of panel p at k is the (k % 2)-th half of 32-bit lane j of row k / 2.
    for (int o = 0; o < n; ++o) {
      for (size_t i = 0; i < kp16; ++i) {
        const uint16_t want = i < static_cast<size_t>(k) ? bf16_from_float(w[static_cast<size_t>(o) * k + i]) : 0;
        ASSERT_EQ(packed_weight_bf16(b, o, i), want) << o << "," << i;
        ASSERT_EQ(b.packed.bf16()[(o / 16) * kp16 * 16 + (i / 2) * 32 + (o % 16) * 2 + i % 2], want);
      }
    }
    const PackedLinear q = pack_linear(w, {}, n, k, WeightFormat::I8);
    EXPECT_EQ(q.packed.size_bytes(), gemm_panel_count(n) * kp8 * 16);
    ASSERT_EQ(q.channel_scales.size(), static_cast<size_t>(n));
    ASSERT_EQ(q.column_sums.size(), gemm_panel_count(n) * 16);
    for (int o = 0; o < n; ++o) {
      std::vector<int8_t> want(kp8);
      EXPECT_EQ(quantize_i8(w.data() + static_cast<size_t>(o) * k, k, kp8, want.data()), q.channel_scales[o]);
      int32_t sum = 0;
      for (size_t i = 0; i < kp8; ++i) {
        ASSERT_EQ(packed_weight_i8(q, o, i), want[i]) << o << "," << i;
        ASSERT_EQ(q.packed.i8()[(o / 16) * kp8 * 16 + (i / 4) * 64 + (o % 16) * 4 + i % 4], want[i]);
        sum += want[i];
      }
      EXPECT_EQ(q.column_sums[o], sum);
      // The quantised channel approximates the weights within half a step.
      for (int i = 0; i < k; ++i)
        ASSERT_NEAR(packed_weight_i8(q, o, i) * q.channel_scales[o], w[static_cast<size_t>(o) * k + i],
                    0.5001 * q.channel_scales[o]);
    }
    for (size_t j = n; j < q.column_sums.size(); ++j) EXPECT_EQ(q.column_sums[j], 0);
  }
}

TEST(GemmPack, Int8RejectsWhatItCannotQuantise) {
  std::vector<float> w = {1, 2, 3, NAN};
  test::expect_error([&] { pack_linear(w, {}, 2, 2, WeightFormat::I8); }, ErrorCode::InvalidArgument,
                     {"output channel 1", "non-finite"});
  w[3] = INFINITY;
  test::expect_error([&] { pack_linear(w, {}, 2, 2, WeightFormat::I8); }, ErrorCode::InvalidArgument,
                     {"non-finite"});
  const std::vector<float> wide(65537, 0.5f);
  test::expect_error([&] { pack_linear(wide, {}, 1, 65537, WeightFormat::I8); }, ErrorCode::InvalidArgument,
                     {"in_features 65537", "int8"});
  EXPECT_NO_THROW(pack_linear(wide.data(), {}, 1, 65536, WeightFormat::I8));
  // BF16 keeps what fp32 keeps (a NaN weight gives NaN outputs, as in fp32).
  EXPECT_NO_THROW(pack_linear(std::vector<float>{1, NAN}, {}, 1, 2, WeightFormat::BF16));
}

// ---- Micro-kernels against exact integer / float sums ----

// Every runnable converted kernel, called directly on one k block: rows 1..mr, one and two panels, a fresh and a
// continued sum. I8 must equal the integer dot products exactly, including all-extreme values (any int16
// saturation would show); BF16 within the rounding bound below.
TEST(GemmMicroKernel, ConvertedKernelsMatchExactSums) {
  std::mt19937 rng(7);
  for (WeightFormat format : kConverted) {
    for (const GemmKernel* kern : runnable(format)) {
      SCOPED_TRACE(kern->name);
      const bool i8 = format == WeightFormat::I8;
      for (int kc : {64, 128, 256}) {
        for (int extreme = 0; extreme < (i8 ? 2 : 1); ++extreme) {
          const size_t mr = static_cast<size_t>(kern->mr), lda = static_cast<size_t>(kc) + 64;
          // Two panels of weights in the packed layout, activations row-major.
          std::vector<int8_t> wq(2 * kc * 16), aq(mr * lda);
          std::vector<uint16_t> wb(2 * kc * 16), ab(mr * lda);
          std::uniform_int_distribution<int> q(-127, 127);
          for (auto& v : wq) v = static_cast<int8_t>(extreme ? -127 : q(rng));
          for (auto& v : aq) v = static_cast<int8_t>(extreme ? 127 : q(rng));
          std::uniform_real_distribution<float> f(-2.0f, 2.0f);
          for (auto& v : wb) v = bf16_from_float(f(rng));
          for (auto& v : ab) v = bf16_from_float(f(rng));
          // u8 form of the activations for the unsigned kernels.
          std::vector<int8_t> au(aq);
          for (auto& v : au) v = static_cast<int8_t>(static_cast<uint8_t>(v + 128));
          for (size_t rows = 1; rows <= mr; ++rows) {
            for (int panels = 1; panels <= kern->panels; ++panels) {
              const size_t ld = 32;
              std::vector<int32_t> acc_i(mr * ld, 5), want_i(mr * ld, 5);
              std::vector<float> acc_f(mr * ld, 0.25f), want_f(mr * ld, 0.25f), mag(mr * ld, 0.25);
              for (bool accumulate : {false, true}) {
                const void* a = i8 ? static_cast<const void*>(kern->unsigned_activations ? au.data() : aq.data())
                                   : static_cast<const void*>(ab.data());
                const void* b0 = i8 ? static_cast<const void*>(wq.data()) : static_cast<const void*>(wb.data());
                const void* b1 = panels == 2 ? (i8 ? static_cast<const void*>(wq.data() + kc * 16)
                                                   : static_cast<const void*>(wb.data() + kc * 16))
                                             : nullptr;
                void* acc = i8 ? static_cast<void*>(acc_i.data()) : static_cast<void*>(acc_f.data());
                kern->run_converted(a, lda, b0, b1, kc, acc, ld, accumulate, static_cast<int>(rows));
                for (size_t r = 0; r < rows; ++r) {
                  for (int j = 0; j < 16 * panels; ++j) {
                    const size_t panel = j / 16, col = j % 16;
                    int64_t si = 0;
                    double sf = 0, sm = 0;
                    for (int kk = 0; kk < kc; ++kk) {
                      const size_t g = i8 ? 4 : 2;
                      const size_t at = panel * kc * 16 + (kk / g) * 16 * g + col * g + kk % g;
                      si += int64_t{aq[r * lda + kk]} * wq[at];
                      const double p = double(float_from_bf16(ab[r * lda + kk])) * float_from_bf16(wb[at]);
                      sf += p;
                      sm += std::fabs(p);
                    }
                    if (kern->unsigned_activations) {
                      int64_t colsum = 0;
                      for (int kk = 0; kk < kc; ++kk) colsum += wq[panel * kc * 16 + (kk / 4) * 64 + col * 4 + kk % 4];
                      si += 128 * colsum;  // what VPDPBUSD computes; the driver subtracts it
                    }
                    const size_t i = r * ld + j;
                    want_i[i] = static_cast<int32_t>((accumulate ? want_i[i] : 0) + si);
                    want_f[i] = static_cast<float>((accumulate ? double(want_f[i]) : 0.0) + sf);
                    mag[i] = (accumulate ? mag[i] : 0.0f) + static_cast<float>(sm);
                  }
                }
                for (size_t r = 0; r < mr; ++r) {
                  for (size_t j = 0; j < ld; ++j) {
                    const size_t i = r * ld + j;
                    const bool written = r < rows && j < static_cast<size_t>(16 * panels);
                    if (i8) {
                      ASSERT_EQ(acc_i[i], written ? want_i[i] : 5)
                          << "kc=" << kc << " rows=" << rows << " panels=" << panels << " (" << r << "," << j << ")";
                    } else if (!written) {
                      ASSERT_EQ(acc_f[i], 0.25f) << "wrote outside its tile at (" << r << "," << j << ")";
                    } else {
                      // <= kc + 1 adds (pairs fused or not), each off by at most one ulp (2^-23) of the running
                      // magnitude (round-to-odd BFDOT included).
                      const double tol = (2.0 * kc + 2) * 0x1p-24 * (mag[i] + 0.25);
                      ASSERT_NEAR(acc_f[i], want_f[i], tol) << "kc=" << kc << " rows=" << rows << " (" << r << ","
                                                            << j << ")";
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

// ---- linear_forward against linear_reference ----

// |kernel - reference| for BF16: both sum the same exact products (of bf16-rounded activations and weights)
// over Kp terms in fp32, in different orders/fusions. The reference is within Kp * 2^-24 * sum|products| of the
// exact sum (one round-to-nearest per add); a kernel within Kp * 2^-23 * sum|products| (Arm's BFDOT may round
// to odd: up to one ulp per add). So they differ by at most 3 (Kp + 1) 2^-24 sum|products|, plus the bias
// add's rounding.
std::vector<double> bf16_tolerances(const PackedLinear& l, const std::vector<float>& x, size_t m,
                                    const std::vector<float>& ref) {
  const size_t n = l.out_features, k = l.in_features, kp = gemm_padded_k(WeightFormat::BF16, k);
  std::vector<uint16_t> xb(m * kp);
  round_rows_to_bf16(x.data(), k, m, xb.data(), kp);
  std::vector<float> w(n * k);
  for (size_t c = 0; c < n; ++c)
    for (size_t kk = 0; kk < k; ++kk) w[c * k + kk] = float_from_bf16(packed_weight_bf16(l, c, kk));
  std::vector<double> tol(m * n);
  for (size_t r = 0; r < m; ++r) {
    for (size_t c = 0; c < n; ++c) {
      double mag = 0;
      for (size_t kk = 0; kk < k; ++kk) mag += std::fabs(double(float_from_bf16(xb[r * kp + kk])) * w[c * k + kk]);
      tol[r * n + c] = 3.0 * (kp + 1) * 0x1p-24 * mag + std::fabs(ref[r * n + c]) * 0x1p-23 + 1e-30;
    }
  }
  return tol;
}

void expect_bf16_close(const PackedLinear& l, size_t m, const std::vector<float>& got, const std::vector<float>& ref,
                       const std::vector<double>& tol, const char* name) {
  const size_t n = l.out_features;
  for (size_t i = 0; i < m * n; ++i)
    ASSERT_NEAR(got[i], ref[i], tol[i]) << name << " M=" << m << " N=" << n << " K=" << l.in_features << " at ("
                                        << i / n << "," << i % n << ")";
}

using Shape = std::tuple<size_t, int, int>;

std::vector<Shape> odd_shapes() {
  // Row tails (M = 1, 3, 17, ...), partial panels and odd panel counts (N), K not a multiple of the padding or of
  // the k blocks (256 deep; 512 for the VNNI kernel: 600 ends in a partial one); the MiniLM shapes (384/1536).
  return {{1, 1, 1},     {3, 7, 17},      {17, 37, 65},    {1, 384, 384}, {13, 16, 64},    {14, 33, 127},
          {15, 31, 256}, {29, 384, 1536}, {33, 1536, 384}, {65, 129, 7},  {131, 385, 129}, {2, 17, 300},
          {5, 40, 600}};
}

TEST(GemmPrecision, EveryKernelMatchesItsFormatsReference) {
  ThreadPool pool(3);
  for (WeightFormat format : kConverted) {
    const auto kernels = runnable(format);
    ASSERT_FALSE(kernels.empty()) << weight_format_name(format);
    for (const auto& [m, n, k] : odd_shapes()) {
      const auto w = random_vec(static_cast<size_t>(n) * k, static_cast<uint32_t>(m + 3 * n + 7 * k));
      const PackedLinear l = pack_linear(w, random_vec(n, 5), n, k, format);
      const auto x = random_vec(m * k, static_cast<uint32_t>(m * 11 + n + k), 3.0f);
      std::vector<float> ref(m * n);
      linear_reference(l, x.data(), m, ref.data());
      std::vector<double> tol;  // computed once per shape, for the kernels that need it
      for (const GemmKernel* kern : kernels) {
        std::vector<float> y(m * n, NAN), y_pool(m * n, NAN);
        linear_forward_with(*kern, l, x.data(), m, y.data(), nullptr);
        linear_forward_with(*kern, l, x.data(), m, y_pool.data(), &pool);
        ASSERT_EQ(0, std::memcmp(y.data(), y_pool.data(), y.size() * sizeof(float)))
            << kern->name << " M=" << m << " N=" << n << " K=" << k << ": threads changed bits";
        if (format == WeightFormat::I8 || k_ordered(*kern)) {
          ASSERT_EQ(0, std::memcmp(y.data(), ref.data(), y.size() * sizeof(float)))
              << kern->name << " M=" << m << " N=" << n << " K=" << k << " differs from the reference's bits";
        } else {
          if (tol.empty()) tol = bf16_tolerances(l, x, m, ref);
          expect_bf16_close(l, m, y, ref, tol, kern->name);
        }
      }
      // The reduced precision stays near the fp32 result (a wrong scale or index would not).
      const PackedLinear lf = pack_linear(w, random_vec(n, 5), n, k);
      std::vector<float> yf(m * n);
      linear_reference(lf, x.data(), m, yf.data());
      double err = 0, norm = 0;
      for (size_t i = 0; i < yf.size(); ++i) {
        err += (ref[i] - yf[i]) * (ref[i] - yf[i]);
        norm += yf[i] * yf[i];
      }
      EXPECT_LT(std::sqrt(err / norm), format == WeightFormat::BF16 ? 0.01 : 0.05)
          << weight_format_name(format) << " M=" << m << " N=" << n << " K=" << k;
    }
  }
}

// Smoothed int8 (SmoothQuant factors on the input channels): every I8 kernel still gives the reference's bits,
// the products are unchanged in exact arithmetic (the result stays near fp32), and on inputs with outlier
// channels the smoothing brings the result closer to fp32 than plain int8.
TEST(GemmPrecision, SmoothedInt8KernelsMatchTheReferenceAndTameOutlierChannels) {
  ThreadPool pool(3);
  const auto kernels = runnable(WeightFormat::I8);
  ASSERT_FALSE(kernels.empty());
  for (const auto& [m, n, k] : odd_shapes()) {
    const auto w = random_vec(static_cast<size_t>(n) * k, static_cast<uint32_t>(m + 5 * n + 3 * k));
    auto x = random_vec(m * k, static_cast<uint32_t>(m * 7 + n + k), 1.0f);
    std::vector<float> s(k);
    for (int j = 0; j < k; ++j) {
      const bool outlier = j % 11 == 3;  // a few channels ~60x the others, as LayerNorm outputs have
      for (size_t r = 0; r < m; ++r) x[r * k + j] *= outlier ? 60.0f : 1.0f;
      s[j] = outlier ? std::sqrt(60.0f) : 1.0f + 0.01f * static_cast<float>(j % 5);
    }
    const PackedLinear smoothed = pack_linear_i8_smoothed(w.data(), random_vec(n, 9), n, k, s);
    ASSERT_EQ(smoothed.input_multipliers.size(), static_cast<size_t>(k));
    std::vector<float> ref(m * n);
    linear_reference(smoothed, x.data(), m, ref.data());
    for (const GemmKernel* kern : kernels) {
      std::vector<float> y(m * n, NAN), y_pool(m * n, NAN);
      linear_forward_with(*kern, smoothed, x.data(), m, y.data(), nullptr);
      linear_forward_with(*kern, smoothed, x.data(), m, y_pool.data(), &pool);
      ASSERT_EQ(0, std::memcmp(y.data(), ref.data(), y.size() * sizeof(float)))
          << kern->name << " M=" << m << " N=" << n << " K=" << k << " differs from the reference's bits";
      ASSERT_EQ(0, std::memcmp(y_pool.data(), ref.data(), y.size() * sizeof(float))) << kern->name << ": threads";
    }
    if (k < 64) continue;  // too few channels for the error comparison to mean anything
    const PackedLinear plain = pack_linear(w, random_vec(n, 9), n, k, WeightFormat::I8);
    const PackedLinear exact = pack_linear(w, random_vec(n, 9), n, k);
    std::vector<float> yp(m * n), yf(m * n);
    linear_reference(plain, x.data(), m, yp.data());
    linear_reference(exact, x.data(), m, yf.data());
    double err_smoothed = 0, err_plain = 0, norm = 0;
    for (size_t i = 0; i < yf.size(); ++i) {
      err_smoothed += (ref[i] - yf[i]) * (ref[i] - yf[i]);
      err_plain += (yp[i] - yf[i]) * (yp[i] - yf[i]);
      norm += yf[i] * yf[i];
    }
    EXPECT_LT(std::sqrt(err_smoothed / norm), 0.05) << "M=" << m << " N=" << n << " K=" << k;
    EXPECT_LT(err_smoothed, err_plain) << "M=" << m << " N=" << n << " K=" << k;
  }
}

TEST(GemmPack, SmoothedInt8RejectsBadFactors) {
  const std::vector<float> w = {1, 2, 3, 4};
  test::expect_error([&] { pack_linear_i8_smoothed(w.data(), {}, 2, 2, {1.0f}); }, ErrorCode::InvalidArgument,
                     {"1 smoothing factors", "in_features 2"});
  for (float bad : {0.0f, -1.0f, NAN, INFINITY, 1e-40f})
    test::expect_error([&] { pack_linear_i8_smoothed(w.data(), {}, 2, 2, {1.0f, bad}); },
                       ErrorCode::InvalidArgument, {"smoothing factor 1", "finite and > 0"});
  const PackedLinear l = pack_linear_i8_smoothed(w.data(), {}, 2, 2, {2.0f, 0.5f});
  EXPECT_EQ(l.input_multipliers, (std::vector<float>{0.5f, 2.0f}));
  // Column j of the weights was scaled by s_j before the per-channel quantisation: row 0 = (2, 1) -> (127, 64).
  EXPECT_EQ(packed_weight_i8(l, 0, 0), 127);
  EXPECT_EQ(packed_weight_i8(l, 0, 1), 64);
}

// A row's output is bitwise the same alone, in any batch position, with any thread count, and (columns) in a
// narrower layer: per-row activation quantisation and per-element instruction sequences make it so.
TEST(GemmPrecision, RowResultsAreIndependentOfBatchAndThreads) {
  const int n = 597, k = 300;
  const size_t m = 131;
  const auto w = random_vec(static_cast<size_t>(n) * k, 21), b = random_vec(n, 22);
  auto x = random_vec(m * k, 23, 2.0f);
  for (size_t i = 0; i < static_cast<size_t>(k); ++i) x[40 * k + i] *= 100.0f;  // a loud row among quiet ones
  const int n_small = 35;
  for (WeightFormat format : kConverted) {
    const PackedLinear l = pack_linear(w, b, n, k, format);
    const PackedLinear l_small =
        pack_linear(std::vector<float>(w.begin(), w.begin() + static_cast<size_t>(n_small) * k),
                    std::vector<float>(b.begin(), b.begin() + n_small), n_small, k, format);
    for (const GemmKernel* kern : runnable(format)) {
      SCOPED_TRACE(kern->name);
      std::vector<float> all(m * n);
      linear_forward_with(*kern, l, x.data(), m, all.data(), nullptr);
      for (int threads : {2, 3, 5}) {
        ThreadPool pool(threads);
        std::vector<float> again(m * n, NAN);
        linear_forward_with(*kern, l, x.data(), m, again.data(), &pool);
        ASSERT_EQ(0, std::memcmp(all.data(), again.data(), all.size() * sizeof(float))) << threads << " threads";
      }
      for (size_t row = 0; row < m; row += 13) {
        std::vector<float> alone(n, NAN);
        linear_forward_with(*kern, l, x.data() + row * k, 1, alone.data(), nullptr);
        ASSERT_EQ(0, std::memcmp(alone.data(), all.data() + row * n, n * sizeof(float))) << "row " << row;
      }
      std::vector<float> narrow(m * n_small, NAN);
      linear_forward_with(*kern, l_small, x.data(), m, narrow.data(), nullptr);
      for (size_t r = 0; r < m; ++r)
        ASSERT_EQ(0, std::memcmp(narrow.data() + r * n_small, all.data() + r * n, n_small * sizeof(float))) << r;
      // Every row-tail height, alone and split over a pool by columns, on the narrow layer (its columns were just
      // shown equal to the wide one's; fewer columns keep this affordable under qemu).
      ThreadPool pool(2);
      for (size_t rows = 1; rows <= 2 * static_cast<size_t>(kern->mr) + 1; ++rows) {
        for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
          std::vector<float> part(rows * n_small, NAN);
          linear_forward_with(*kern, l_small, x.data() + 3 * k, rows, part.data(), p);
          ASSERT_EQ(0, std::memcmp(part.data(), narrow.data() + 3 * n_small, part.size() * sizeof(float)))
              << "rows [3," << 3 + rows << ") pool " << (p != nullptr);
        }
      }
    }
  }
}

// The fused epilogues give the bits of a plain converted GEMM followed by the separate pass.
TEST(GemmPrecision, FusedEpiloguesMatchSeparatePasses) {
  ThreadPool pool(3);
  for (WeightFormat format : kConverted) {
    for (const auto& [m, n, k] : std::vector<Shape>{{3, 7, 17}, {17, 37, 65}, {29, 1536, 384}, {65, 129, 7}}) {
      const PackedLinear l = pack_linear(random_vec(static_cast<size_t>(n) * k, 3), random_vec(n, 4), n, k, format);
      const auto x = random_vec(m * k, static_cast<uint32_t>(m + n), 2.0f);
      const auto res = random_vec(m * n, 9, 4.0f);
      std::vector<float> plain(m * n), gelu(m * n, NAN), residual(m * n, NAN);
      linear_forward(l, x.data(), m, plain.data(), nullptr);
      linear_forward(l, x.data(), m, gelu.data(), &pool, GemmEpilogue::BiasGeluErf);
      linear_forward(l, x.data(), m, residual.data(), &pool, GemmEpilogue::BiasResidual, res.data());
      std::vector<float> want_gelu(plain), want_res(plain);
      hidden_activation(HiddenActivation::GeluErf, want_gelu.data(), want_gelu.size(), nullptr);
      for (size_t i = 0; i < want_res.size(); ++i) want_res[i] += res[i];
      ASSERT_EQ(0, std::memcmp(gelu.data(), want_gelu.data(), gelu.size() * sizeof(float)))
          << weight_format_name(format) << " " << m << "x" << n << "x" << k;
      ASSERT_EQ(0, std::memcmp(residual.data(), want_res.data(), residual.size() * sizeof(float)))
          << weight_format_name(format) << " " << m << "x" << n << "x" << k;
    }
  }
}

// Special rows: all zeros give the bias; a non-finite value makes that row (only) NaN in I8, as in fp32.
TEST(GemmPrecision, ZeroAndNonFiniteRows) {
  const int n = 20, k = 70;
  for (WeightFormat format : kConverted) {
    const PackedLinear l = pack_linear(random_vec(static_cast<size_t>(n) * k, 1), random_vec(n, 2), n, k, format);
    auto x = random_vec(3 * k, 3);
    for (int i = 0; i < k; ++i) x[i] = 0.0f;
    x[2 * k + 5] = INFINITY;
    for (const GemmKernel* kern : runnable(format)) {
      std::vector<float> y(3 * n);
      linear_forward_with(*kern, l, x.data(), 3, y.data(), nullptr);
      for (int c = 0; c < n; ++c) {
        EXPECT_EQ(y[c], l.bias[c]) << kern->name;
        EXPECT_TRUE(std::isfinite(y[n + c])) << kern->name;
        EXPECT_TRUE(!std::isfinite(y[2 * n + c])) << kern->name << " " << y[2 * n + c];
      }
    }
  }
}

// ---- AMX on the hardware ----

// The AMX kernels against the tile model they share their program with: I8 bitwise; BF16 within the rounding
// bound (the hardware's order of adds inside TDPBF16PS is its own). Without AMX (or without the OS's permission)
// this is reported as skipped by ctest, never as passed: the tile model tests above still ran the program.
TEST(GemmAmxHardware, MatchesTheTileModel) {
  // Tile data is asked for only when the CPU has AMX tiles; without them it is never granted.
  if (!cpu_features().has(CpuCapability::AmxTile)) EXPECT_FALSE(amx_tile_data_permitted());
  std::vector<const GemmKernel*> amx;
  for (const GemmKernel* k : compiled_gemm_kernels())
    if (k->needs.has(CpuCapability::AmxTile) && gemm_kernel_runnable(*k)) amx.push_back(k);
  if (amx.empty())
    GTEST_SKIP() << "AMX kernels not run here: this CPU/OS has no usable AMX (amx_tile "
                 << (cpu_features().has(CpuCapability::AmxTile) ? "present, tile data refused" : "absent") << ")";
  ThreadPool pool(2);
  for (const GemmKernel* kern : amx) {
    const GemmKernel& model = kern->format == WeightFormat::BF16 ? amx_model::kBf16 : amx_model::kInt8;
    for (const auto& [m, n, k] : odd_shapes()) {
      const PackedLinear l = pack_linear(random_vec(static_cast<size_t>(n) * k, 17), random_vec(n, 18), n, k,
                                         kern->format);
      const auto x = random_vec(m * k, static_cast<uint32_t>(m + n + k));
      std::vector<float> hw(m * n, NAN), want(m * n, NAN);
      linear_forward_with(*kern, l, x.data(), m, hw.data(), &pool);
      linear_forward_with(model, l, x.data(), m, want.data(), nullptr);
      if (kern->format == WeightFormat::I8) {
        ASSERT_EQ(0, std::memcmp(hw.data(), want.data(), hw.size() * sizeof(float))) << kern->name << " " << m;
      } else {
        expect_bf16_close(l, m, hw, want, bf16_tolerances(l, x, m, want), kern->name);
      }
    }
  }
}

// ---- Which variants ran here ----

// Every compiled kernel is either exercised by the tests above (runnable here) or listed as not run, with what
// this CPU lacks: printed, and recorded in the test XML, so a missing AMX or VNNI path is visible, not a pass.
TEST(GemmPrecision, ReportsWhichVariantsRanHere) {
  std::string ran, not_run;
  for (const GemmKernel* k : compiled_gemm_kernels()) {
    if (gemm_kernel_runnable(*k)) {
      ran += std::string(ran.empty() ? "" : ", ") + k->name;
      continue;
    }
    std::string lacks = isa_supported(k->isa) ? "" : std::string(isa_name(k->isa));
    for (size_t c = 0; c < kCpuCapabilityCount; ++c) {
      const auto cap = static_cast<CpuCapability>(c);
      if (k->needs.has(cap) && !cpu_features().has(cap))
        lacks += std::string(lacks.empty() ? "" : " ") + cpu_capability_name(cap);
    }
    if (lacks.empty() && k->needs.has(CpuCapability::AmxTile)) lacks = "AMX tile permission refused by the OS";
    not_run += std::string(not_run.empty() ? "" : "; ") + k->name + " (lacks " + lacks + ")";
  }
  std::printf("[ KERNELS  ] ran here: %s\n[ KERNELS  ] NOT run here: %s\n", ran.c_str(),
              not_run.empty() ? "none" : not_run.c_str());
  std::printf("[ KERNELS  ] the AMX tile program ran on the tile model (amx_tile_model.h) for both formats\n");
  for (WeightFormat f : {WeightFormat::F32, WeightFormat::BF16, WeightFormat::I8})
    std::printf("[ KERNELS  ] active %s: %s\n", weight_format_name(f), gemm_kernel_name(f));
  RecordProperty("kernels_ran", ran);
  RecordProperty("kernels_not_run", not_run);
  EXPECT_FALSE(ran.empty());
}

}  // namespace
}  // namespace ce
