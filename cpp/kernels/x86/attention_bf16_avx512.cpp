// Attention head with bf16 matmuls on AVX512-BF16: VDPBF16PS takes two bf16 products per fp32 lane, so each pair
// of head dimensions (scores) or of keys (context) costs one instruction where the fp32 kernel spends two FMAs.
// Same structure as attention.cpp's loops (groups of 8 query rows, 16 keys or 16 head dimensions per vector, the
// shared softmax); the operands are packed as bf16 pairs once per head. The broadcast pair goes last in each
// VDPBF16PS (the operand that may be a 32-bit memory broadcast; the pairwise product is symmetric), so it is
// folded into the instruction instead of a separate broadcast.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/attention_bf16.h"
#include "kernels/attention_parts.h"

#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

AttentionHeadFn attention_bf16_head_avx512();

namespace {

using attention_parts::KeyRange;
using attention_parts::kPrefetchRows;
using attention_parts::kQueryRows;
using attention_parts::prefetch_slice;
constexpr size_t kLanes = kVecLanes;

// 32 floats (lo: the first 16, hi: the next 16) rounded to bf16 (nearest even) and kept in order: dword i holds
// values 2i (low half) and 2i + 1 (high half), the pair VDPBF16PS multiplies in one lane.
__attribute__((target("avx512f,avx512bf16"), always_inline)) inline __m512i pairs_of(__m512 lo, __m512 hi) {
  return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}

// Lanes d of two rows a and b (16 floats each) as pairs (a[d], b[d]): the layout of V, whose pairs run over keys.
__attribute__((target("avx512f,avx512bf16"), always_inline)) inline __m512i pairs_across(__m512 a, __m512 b) {
  // The zero-masking forms: the plain ones start from _mm512_undefined_epi32(), which GCC 12 reports as
  // maybe-uninitialized in some inlining contexts (seen in the from-source install build).
  const __m512i lo = _mm512_maskz_cvtepu16_epi32(0xFFFF, (__m256i)_mm512_cvtneps_pbh(a));
  const __m512i hi = _mm512_maskz_cvtepu16_epi32(0xFFFF, (__m256i)_mm512_cvtneps_pbh(b));
  return _mm512_or_si512(lo, _mm512_maskz_slli_epi32(0xFFFF, hi, 16));
}

// Floats [d0, d0 + 16) of a row of `n` (zero past n).
__attribute__((target("avx512f"), always_inline)) inline __m512 load16(const float* row, size_t d0, size_t n) {
  if (d0 + kLanes <= n) return _mm512_loadu_ps(row + d0);
  if (d0 >= n) return _mm512_setzero_ps();
  return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << (n - d0)) - 1u), row + d0);
}


struct HeadShape {
  size_t hd, hd_pad, pairs_d, kvn, kv_pad, col;
  float scale;
};

// Scores of R rows for NB blocks of 16 keys from key jb: each broadcast query pair feeds NB instructions. A lane's
// chain over the pairs is the same for any NB (measured: as fast as NB = 1 on the EPYC here; kept, bits equal).
template <int R, int NB>
__attribute__((target("avx512f,avx512bf16"), always_inline)) inline void score_blocks(const HeadShape& sh,
                                                                                   const uint32_t* qp,
                                                                                   const uint32_t* kt, size_t jb,
                                                                                   float* sc) {
  __m512 acc[R][NB];
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_setzero_ps();
  for (size_t p = 0; p < sh.pairs_d; ++p) {
    __m512bh kv[NB];
    for (int b = 0; b < NB; ++b) kv[b] = (__m512bh)_mm512_loadu_si512(kt + p * sh.kv_pad + jb + b * kLanes);
    for (int r = 0; r < R; ++r) {
      const __m512bh q2 = (__m512bh)_mm512_set1_epi32(static_cast<int>(qp[r * sh.pairs_d + p]));
      for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_dpbf16_ps(acc[r][b], kv[b], q2);
    }
  }
  const __m512 scale = _mm512_set1_ps(sh.scale);
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < NB; ++b)
      _mm512_storeu_ps(sc + r * sh.kv_pad + jb + b * kLanes, _mm512_mul_ps(acc[r][b], scale));
}

// Context of R rows for NB blocks of 16 head dimensions from db, over key pairs [pa, pb): as score_blocks, each
// broadcast probability pair feeds NB instructions.
template <int R, int NB>
__attribute__((target("avx512f,avx512bf16"), always_inline)) inline void context_blocks(
    const AttentionLayout& layout, const HeadShape& sh, size_t i0, const uint32_t* pp, size_t half,
    const uint32_t* vp, size_t pa, size_t pb, size_t db, float* ctx, float* out) {
  __m512 acc[R][NB];
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_setzero_ps();
  for (size_t p = pa; p < pb; ++p) {
    __m512bh vv[NB];
    for (int b = 0; b < NB; ++b) vv[b] = (__m512bh)_mm512_loadu_si512(vp + p * sh.hd_pad + db + b * kLanes);
    for (int r = 0; r < R; ++r) {
      const __m512bh p2 = (__m512bh)_mm512_set1_epi32(static_cast<int>(pp[r * half + p]));
      for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_dpbf16_ps(acc[r][b], vv[b], p2);
    }
  }
  const bool direct_out = sh.hd == sh.hd_pad;
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < NB; ++b) {
      const size_t d = db + b * kLanes;
      float* dst = direct_out ? out + (i0 + r) * layout.hidden + sh.col + d : ctx + r * sh.hd_pad + d;
      _mm512_storeu_ps(dst, acc[r][b]);
    }
}

template <int R>
__attribute__((target("avx512f,avx512bf16"), always_inline)) inline void query_rows(
    const AttentionLayout& layout, const HeadShape& sh, size_t i0, size_t t0, const uint32_t* qp,
    AttentionBf16Scratch& w, float* out) {
  KeyRange keys[R];
  for (int r = 0; r < R; ++r) keys[r] = attention_parts::key_range(t0 + r, sh.kvn, layout.window);
  const size_t jlo = keys[0].begin / kLanes * kLanes, jhi = round_up_lanes(keys[R - 1].end);
  float* sc = w.scores.data();
  const size_t kv_pad = sh.kv_pad;
  // scores[r][j] = (q_r . k_j) * scale: one VDPBF16PS per row, pair of head dimensions and 16 keys.
  size_t jb = jlo;
  for (; jb + 2 * kLanes <= jhi; jb += 2 * kLanes) score_blocks<R, 2>(sh, qp, w.kt.data(), jb, sc);
  if (jb < jhi) score_blocks<R, 1>(sh, qp, w.kt.data(), jb, sc);
  attention_parts::softmax_rows_group<R>(sc, kv_pad, keys, jlo, jhi, /*round_bf16=*/false);
  // The probabilities as bf16 pairs over the group's keys (jlo and jhi multiples of 16: pairs never straddle).
  const size_t half = kv_pad / 2;
  for (int r = 0; r < R; ++r) {
    const float* src = sc + r * kv_pad;
    uint32_t* dst = w.pp.data() + r * half;
    size_t j = jlo;
    for (; j + 2 * kLanes <= jhi; j += 2 * kLanes)
      _mm512_storeu_si512(dst + j / 2, pairs_of(_mm512_loadu_ps(src + j), _mm512_loadu_ps(src + j + kLanes)));
    if (j < jhi) {
      const __m256i tail = (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + j));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + j / 2), tail);
    }
  }
  // ctx[r] = sum_j p_rj v_j over the group's key pairs, 16 head dimensions per vector.
  const size_t pa = keys[0].begin / 2, pb = (keys[R - 1].end + 1) / 2;
  size_t db = 0;
  for (; db + 2 * kLanes <= sh.hd_pad; db += 2 * kLanes)
    context_blocks<R, 2>(layout, sh, i0, w.pp.data(), half, w.vp.data(), pa, pb, db, w.ctx.data(), out);
  if (db < sh.hd_pad)
    context_blocks<R, 1>(layout, sh, i0, w.pp.data(), half, w.vp.data(), pa, pb, db, w.ctx.data(), out);
  if (sh.hd != sh.hd_pad)
    for (int r = 0; r < R; ++r)
      std::memcpy(out + (i0 + r) * layout.hidden + sh.col, w.ctx.data() + r * sh.hd_pad, sh.hd * sizeof(float));
}

__attribute__((target("avx512f,avx512bf16"))) void one_head(const AttentionLayout& layout, size_t s, size_t h,
                                                            const float* q, const float* k, const float* v, float* out,
                                                            AttentionBf16Scratch& w) {
  HeadShape sh;
  sh.hd = layout.hidden / layout.heads;
  sh.hd_pad = round_up_lanes(sh.hd);
  sh.pairs_d = (sh.hd + 1) / 2;
  sh.scale = 1.0f / std::sqrt(static_cast<float>(sh.hd));
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  const size_t kv0 = static_cast<size_t>(ko[s]);
  sh.kvn = static_cast<size_t>(ko[s + 1]) - kv0;
  sh.kv_pad = round_up_lanes(sh.kvn);
  sh.col = h * sh.hd;
  const size_t q0 = static_cast<size_t>(qo[s]), qn = static_cast<size_t>(qo[s + 1]) - q0;
  const size_t hd = sh.hd, kv_pad = sh.kv_pad, half = kv_pad / 2;
  // Pairs past the keys or head_dim are zero (an odd head_dim pairs its last dimension with 0).
  w.kt.resize(sh.pairs_d * kv_pad);
  for (size_t p = 0; p < sh.pairs_d; ++p)
    std::fill(w.kt.data() + p * kv_pad + sh.kvn, w.kt.data() + (p + 1) * kv_pad, 0u);
  w.vp.resize(half * sh.hd_pad);
  std::fill(w.vp.data() + (sh.kvn + 1) / 2 * sh.hd_pad, w.vp.data() + half * sh.hd_pad, 0u);
  w.qp.resize(qn * sh.pairs_d);
  w.pp.resize(kQueryRows * half);
  w.scores.resize(kQueryRows * kv_pad);
  w.ctx.resize(kQueryRows * sh.hd_pad);
  // K: each key's head slice as pairs over d (32 dimensions per conversion), scattered to the transposed layout.
  // V: two keys' slices interleaved per dimension. Q: each query's pairs, in place order.
  const size_t chunks = (hd + 2 * kLanes - 1) / (2 * kLanes);
  alignas(64) uint32_t pairs[kLanes];
  for (size_t j = 0; j < sh.kvn; ++j) {
    if (j + kPrefetchRows < sh.kvn) {
      prefetch_slice(k + (kv0 + j + kPrefetchRows) * layout.hidden + sh.col, hd);
      prefetch_slice(v + (kv0 + j + kPrefetchRows) * layout.hidden + sh.col, hd);
    }
    if (j < qn) prefetch_slice(q + (q0 + j) * layout.hidden + sh.col, hd);
    const float* kj = k + (kv0 + j) * layout.hidden + sh.col;
    for (size_t c = 0; c < chunks; ++c) {
      const size_t d0 = c * 2 * kLanes;
      _mm512_store_si512(pairs, pairs_of(load16(kj, d0, hd), load16(kj, d0 + kLanes, hd)));
      const size_t p0 = d0 / 2, n = std::min(kLanes, sh.pairs_d - p0);
      for (size_t i = 0; i < n; ++i) w.kt[(p0 + i) * kv_pad + j] = pairs[i];
    }
  }
  for (size_t p = 0; 2 * p < sh.kvn; ++p) {
    const float* a = v + (kv0 + 2 * p) * layout.hidden + sh.col;
    const float* b = 2 * p + 1 < sh.kvn ? a + layout.hidden : nullptr;
    for (size_t d0 = 0; d0 < sh.hd_pad; d0 += kLanes)
      _mm512_storeu_si512(w.vp.data() + p * sh.hd_pad + d0,
                          pairs_across(load16(a, d0, hd), b ? load16(b, d0, hd) : _mm512_setzero_ps()));
  }
  for (size_t t = 0; t < qn; ++t) {
    const float* qt = q + (q0 + t) * layout.hidden + sh.col;
    for (size_t c = 0; c < chunks; ++c) {
      const size_t d0 = c * 2 * kLanes;
      _mm512_store_si512(pairs, pairs_of(load16(qt, d0, hd), load16(qt, d0 + kLanes, hd)));
      const size_t p0 = d0 / 2, n = std::min(kLanes, sh.pairs_d - p0);
      std::memcpy(w.qp.data() + t * sh.pairs_d + p0, pairs, n * sizeof(uint32_t));
    }
  }
  size_t t = 0;
  for (; t + kQueryRows <= qn; t += kQueryRows)
    query_rows<kQueryRows>(layout, sh, q0 + t, t, w.qp.data() + t * sh.pairs_d, w, out);
  for (; t < qn; ++t) query_rows<1>(layout, sh, q0 + t, t, w.qp.data() + t * sh.pairs_d, w, out);
}

}  // namespace

AttentionHeadFn attention_bf16_head_avx512() { return one_head; }

}  // namespace ce
