// 16-float GCC/Clang vector type and branch-free helpers for kernels built per ISA (isa_variants.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

// These helpers are always inlined into their (per-ISA) callers, so the vector-argument ABI note is moot.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

// 16 lanes = one AVX-512 register, two AVX2 or four SSE/NEON ones; each ISA variant lowers it to its own width.
// Kernels process zero-padded blocks of 16 so every element goes through one instruction sequence
// (no scalar tails or alignment peeling that could round differently): results are bitwise reproducible.
inline constexpr size_t kVecLanes = 16;
typedef float Vec16 __attribute__((vector_size(kVecLanes * sizeof(float))));
typedef int32_t Int16 __attribute__((vector_size(kVecLanes * sizeof(int32_t))));
// Half a Vec16: one AVX2 register, for loops that keep several vectors live, which a 16-register ISA cannot do
// with Vec16 (GCC then lowers it through memory).
typedef float Vec8 __attribute__((vector_size(8 * sizeof(float))));

inline size_t round_up_lanes(size_t n) { return (n + kVecLanes - 1) / kVecLanes * kVecLanes; }

__attribute__((always_inline)) inline Vec16 load_vec16(const float* p) {
  Vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((always_inline)) inline void store_vec16(float* p, Vec16 v) { std::memcpy(p, &v, sizeof v); }

// exp(x) for x <= 0 (inputs are clamped to [-87, 0]: below -87 gives exp(-87) ~ 1.6e-38): Cody-Waite reduction x = n ln2 + r with
// |r| <= ln2/2, a degree-6 Taylor polynomial for exp(r) (relative error ~2e-7), then scaling by 2^n built
// in the exponent bits. libm's expf is a scalar call; this stays in vector registers.
__attribute__((always_inline)) inline Vec16 exp_nonpositive(Vec16 x) {
  const Vec16 lo = Vec16{} - 87.0f, hi = Vec16{};
  x = x < lo ? lo : x;
  x = x > hi ? hi : x;  // keeps 2^n in range even for padding lanes whose results are discarded
  const float round_magic = 12582912.0f;  // 1.5 * 2^23: adding then subtracting rounds to an integer
  const Vec16 nf = (x * 1.44269504088896341f + round_magic) - round_magic;
  const Vec16 r = (x - nf * 0.693145751953125f) - nf * 1.42860682030941723212e-6f;  // ln2 = hi + lo
  Vec16 p = Vec16{} + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const Int16 bits = (__builtin_convertvector(nf, Int16) + 127) << 23;
  Vec16 scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace ce

#pragma GCC diagnostic pop
