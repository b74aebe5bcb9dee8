// Pieces shared by the attention kernels (attention.cpp's fp32 / rounded-bf16 loops and the AVX512-BF16 one in
// x86/attention_bf16_avx512.cpp): which keys a query sees, the softmax of a group of query rows, bf16 rounding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/attention.h"
#include "kernels/vec16.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce::attention_parts {

// The keys token t of an n-token sequence attends: [begin, end).
struct KeyRange {
  size_t begin, end;
};
inline KeyRange key_range(size_t t, size_t n, size_t window) {
  if (window == kNoAttentionWindow) return {0, n};
  return {t > window ? t - window : 0, window < n - t ? t + window + 1 : n};
}

// Rows per group of query rows: 8 chains cover the FMA latency x throughput of one core.
inline constexpr int kQueryRows = 8;

// How far ahead a head's copy of its K/V rows requests rows (each a cache line or two): enough misses in flight to
// cover the latency, few enough to stay in L1. Measured: 16 and 32 gave the same times as 8.
inline constexpr size_t kPrefetchRows = 8;

// Requests the cache lines of one token's head slice (hd floats from p).
__attribute__((always_inline)) inline void prefetch_slice(const float* p, size_t hd) {
  for (size_t d = 0; d < hd; d += kVecLanes) __builtin_prefetch(p + d);
  __builtin_prefetch(p + hd - 1);
}

// x rounded to the nearest bfloat16, ties to even, kept as a float (low 16 bits zero), for finite x: the value
// bf16_from_float gives (gemm_convert.h), without its NaN branch (scores and probabilities are finite).
__attribute__((always_inline)) inline Vec16 round_to_bf16(Vec16 x) {
  typedef uint32_t U16 __attribute__((vector_size(kVecLanes * sizeof(uint32_t))));
  U16 u;
  std::memcpy(&u, &x, sizeof u);
  u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// The lanes of the 16-key block at jb that are keys of [keys.begin, keys.end): all ones there, zero elsewhere.
__attribute__((always_inline)) inline Int16 keys_in_block(size_t jb, KeyRange keys) {
  const Int16 j = Int16{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15} + static_cast<int32_t>(jb);
  return (j >= static_cast<int32_t>(keys.begin)) & (j < static_cast<int32_t>(keys.end));
}

// Lane-wise mask ? x : other for a keys_in_block mask, as bitwise operations (GCC scalarised the vector
// conditional on an integer mask into 16 branches).
__attribute__((always_inline)) inline Vec16 select_keys(Int16 mask, Vec16 x, Vec16 other) {
  Int16 xi, oi;
  std::memcpy(&xi, &x, sizeof xi);
  std::memcpy(&oi, &other, sizeof oi);
  const Int16 r = (xi & mask) | (oi & ~mask);
  Vec16 out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

// The largest lane of v (exact in any order), in 4 halving steps rather than a 16-step chain of scalar compares.
__attribute__((always_inline)) inline float max_lanes(Vec16 v) {
  typedef float Vec8 __attribute__((vector_size(8 * sizeof(float))));
  typedef float Vec4 __attribute__((vector_size(4 * sizeof(float))));
  const Vec8 a = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7);
  const Vec8 b = __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  const Vec8 m8 = a > b ? a : b;
  const Vec4 c = __builtin_shufflevector(m8, m8, 0, 1, 2, 3), d = __builtin_shufflevector(m8, m8, 4, 5, 6, 7);
  const Vec4 m4 = c > d ? c : d;
  const float m2a = m4[0] > m4[2] ? m4[0] : m4[2], m2b = m4[1] > m4[3] ? m4[1] : m4[3];
  return m2a > m2b ? m2a : m2b;
}

// The sum of v's lanes in a fixed pairwise order (lane l + lane l + 8, then halves again): 4 dependent adds where
// a lane-by-lane chain has 15. The order is the same for every ISA variant, batch and thread count.
__attribute__((always_inline)) inline float sum_lanes_pairwise(Vec16 v) {
  typedef float Vec8 __attribute__((vector_size(8 * sizeof(float))));
  typedef float Vec4 __attribute__((vector_size(4 * sizeof(float))));
  const Vec8 s8 = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                  __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  const Vec4 s4 = __builtin_shufflevector(s8, s8, 0, 1, 2, 3) + __builtin_shufflevector(s8, s8, 4, 5, 6, 7);
  return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

// max of s[j] over the keys [keys.begin, keys.end). The max is exact in any order, so it is taken 16 lanes at a
// time (a scalar chain of compares ran at one key per 4 cycles).
__attribute__((always_inline)) inline float row_max(const float* s, KeyRange keys) {
  const size_t a = keys.begin, b = keys.end;
  const size_t full = a + (b - a) / kVecLanes * kVecLanes;
  float mx = s[a];
  if (full > a) {
    Vec16 vm = load_vec16(s + a);
    for (size_t jb = a + kVecLanes; jb < full; jb += kVecLanes) {
      const Vec16 c = load_vec16(s + jb);
      vm = c > vm ? c : vm;
    }
    const float m = max_lanes(vm);
    mx = m > mx ? m : mx;
  }
  for (size_t j = full; j < b; ++j) mx = s[j] > mx ? s[j] : mx;
  return mx;
}

// Softmax over each of R rows' keys, in place: row r's scores sc[r * kv_pad + j] for j in [keys[r].begin,
// keys[r].end); every other lane of the group's range [jlo, jhi) (jlo a multiple of 16, jhi whole vectors) ends
// as exactly 0. The max is row_max's. exp is vectorised; the sum runs over whole vectors, lane-wise in key order
// and then across the 16 lanes in lane order: a fixed order of Vec16 operations, the same in every ISA variant and
// for any batch. With round_bf16 the probabilities are then rounded to bf16 (the P.V matmul's operand).
template <int R>
__attribute__((always_inline)) inline void softmax_rows_group(float* sc, size_t kv_pad, const KeyRange* keys,
                                                             size_t jlo, size_t jhi, bool round_bf16) {
  for (int r = 0; r < R; ++r) {
    float* s = sc + r * kv_pad;
    const size_t a = keys[r].begin, b = keys[r].end;
    const float mx = row_max(s, keys[r]);
    // exp, the keys outside the row's window zeroed (lane masks on the edge blocks: zeroing them in memory and
    // reloading stalled on store forwarding) and the lane-wise sum, in one pass. vs starts at +0: adding the first
    // block to it is exact, so the sum's bits are those of the first block plus the others in key order.
    Vec16 vs = Vec16{};
    for (size_t jb = jlo; jb < jhi; jb += kVecLanes) {
      Vec16 e = exp_nonpositive(load_vec16(s + jb) - mx);
      if (jb < a || jb + kVecLanes > b) e = select_keys(keys_in_block(jb, keys[r]), e, Vec16{});
      store_vec16(s + jb, e);
      vs += e;
    }
    float sum = 0.0f;
    for (size_t l = 0; l < kVecLanes; ++l) sum += vs[l];
    const float inv = 1.0f / sum;
    if (round_bf16) {
      for (size_t jb = jlo; jb < jhi; jb += kVecLanes) store_vec16(s + jb, round_to_bf16(load_vec16(s + jb) * inv));
    } else {
      for (size_t jb = jlo; jb < jhi; jb += kVecLanes) store_vec16(s + jb, load_vec16(s + jb) * inv);
    }
  }
}

}  // namespace ce::attention_parts

#pragma GCC diagnostic pop
