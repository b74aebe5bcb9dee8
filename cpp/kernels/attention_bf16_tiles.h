// Attention's two bf16 matmuls (AttentionLayout::bf16_matmuls) as calls of the AMX GEMM tile program
// (gemm_amx_program.h): per head, the queries and the probabilities are activation rows and K and V are laid out as
// packed weight panels, so one 32-row x 32-column call scores 32 queries against 32 keys, and another sums 32
// queries' probabilities over V for 32 head dimensions. Scores, scale, softmax and sums stay fp32, as in the other
// bf16 heads (attention_bf16.h); two things are its own: the order of the adds inside the tile instruction, and the
// softmax's division, which comes after the P.V product (the matmul weighs V by the rounded exponentials).
// The body is a template over the matmul (the real tiles in x86/attention_bf16_amx.cpp; the tile model in the
// tests), always inlined so its Vec16 loops take the caller's instruction set.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/attention.h"
#include "kernels/attention_bf16.h"
#include "kernels/attention_parts.h"
#include "kernels/gemm_convert.h"
#include "kernels/vec16.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce::attention_tiles {

inline constexpr size_t kGroupRows = 32;  // query rows per call: the tile program's two A tiles
inline constexpr size_t kKeyStep = 32;    // keys per score call (two 16-key panels), and the context's k step
inline constexpr size_t kDimStep = 32;    // head dimensions per tile row (64 bytes of bf16): the scores' k step
inline constexpr size_t kPanel = 16;      // columns of one panel

inline size_t round_up_to(size_t x, size_t m) { return (x + m - 1) / m * m; }

// 16 finite floats rounded to bf16 (attention_parts::round_to_bf16's bits) at dst.
__attribute__((always_inline)) inline void store_bf16x16(uint16_t* dst, Vec16 x) {
  typedef uint32_t U16 __attribute__((vector_size(kVecLanes * sizeof(uint32_t))));
  typedef uint16_t H16 __attribute__((vector_size(kVecLanes * sizeof(uint16_t))));
  const Vec16 rounded = attention_parts::round_to_bf16(x);
  U16 u;
  std::memcpy(&u, &rounded, sizeof u);
  const H16 h = __builtin_convertvector(u >> 16, H16);
  std::memcpy(dst, &h, sizeof h);
}

// One row's unnormalised probabilities: p[j] = bf16(exp(scale * (s[j] - max))) for the keys [keys.begin,
// keys.end) the row sees, 0 on the other keys of the group's range [jlo, jhi); returns 1 / (the sum of the
// exponentials), by which the caller scales the row's P.V product. Dividing after the matmul rather than before
// saves the pass that normalised and rounded the probabilities. Two passes over the row (masked max; exp, sum,
// round and store); scaling commutes with the max (scale > 0), so exp's argument is <= 0 on the row's keys. Every
// step is lane-wise or a fixed-order reduction, so a row's values do not depend on its group or batch.
__attribute__((always_inline)) inline float softmax_to_bf16(const float* row, attention_parts::KeyRange keys,
                                                            size_t jlo, size_t jhi, float scale, uint16_t* p) {
  using attention_parts::keys_in_block;
  using attention_parts::select_keys;
  // Blocks wholly inside the row's keys (all of them but the edges) skip the mask.
  auto whole = [&](size_t jb) { return jb >= keys.begin && jb + kVecLanes <= keys.end; };
  const Vec16 lowest = Vec16{} - __builtin_huge_valf();
  Vec16 vm = lowest;
  for (size_t jb = jlo; jb < jhi; jb += kVecLanes) {
    Vec16 x = load_vec16(row + jb);
    if (!whole(jb)) x = select_keys(keys_in_block(jb, keys), x, lowest);
    vm = x > vm ? x : vm;
  }
  const float shift = attention_parts::max_lanes(vm) * scale;
  Vec16 vs = Vec16{};
  for (size_t jb = jlo; jb < jhi; jb += kVecLanes) {
    Vec16 e = exp_nonpositive(load_vec16(row + jb) * scale - shift);
    if (!whole(jb)) e = select_keys(keys_in_block(jb, keys), e, Vec16{});
    vs += e;
    store_bf16x16(p + jb, e);
  }
  return 1.0f / attention_parts::sum_lanes_pairwise(vs);
}

// Sequence s, head h of attention_forward's output. `mm(a, lda, b0, b1, kc, acc, ldacc, rows)` is the tile
// program's contract (GemmConvertedMicroKernel, accumulate = false): acc[r][0..32) = A rows x two panels;
// `mm.softmax_row(row, keys, jlo, jhi, scale, p)` is softmax_to_bf16's (that function, or the same steps in the
// instructions of the tile program's CPU).
template <class MatMul>
__attribute__((always_inline)) inline void head(MatMul& mm, const AttentionLayout& layout, size_t s, size_t h,
                                                const float* q, const float* k, const float* v, float* out,
                                                AttentionBf16Scratch& w) {
  const size_t hidden = layout.hidden, hd = hidden / layout.heads, col = h * hd;
  const size_t hd_k = round_up_to(hd, kDimStep), dpairs = hd_k / 2;
  const size_t dim_panels = (hd + kPanel - 1) / kPanel;
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  const size_t kv0 = static_cast<size_t>(ko[s]), kvn = static_cast<size_t>(ko[s + 1]) - kv0;
  const size_t q0 = static_cast<size_t>(qo[s]), qn = static_cast<size_t>(qo[s + 1]) - q0;
  const size_t kv_k = round_up_to(kvn, kKeyStep), kpairs = kv_k / 2;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  // K as panels of 16 keys: panel b, row p holds (k[16b + j][2p], k[16b + j][2p + 1]) for j < 16, the packed weight
  // layout of a bf16 Linear layer whose "output columns" are keys. Keys and dimensions past the end are zero.
  // K, V and Q rows are rounded by the GEMM driver's conversion (round_rows_to_bf16): bf16_from_float's bits.
  w.kt.assign(kv_k / kPanel * dpairs * kPanel, 0u);
  // V as panels of 16 head dimensions: panel b, row p holds (v[2p][16b + d], v[2p + 1][16b + d]) for d < 16.
  w.vp.assign(dim_panels * kpairs * kPanel, 0u);
  w.row16.resize(2 * dim_panels * kPanel + hd_k);
  uint16_t* kb = w.row16.data();
  for (size_t j = 0; j < kvn; ++j) {
    // The head's slices are a few cache lines per row of matrices that live in L3: ask for rows ahead.
    if (j + attention_parts::kPrefetchRows < kvn) {
      attention_parts::prefetch_slice(k + (kv0 + j + attention_parts::kPrefetchRows) * hidden + col, hd);
      attention_parts::prefetch_slice(v + (kv0 + j + attention_parts::kPrefetchRows) * hidden + col, hd);
    }
    if (j < qn) attention_parts::prefetch_slice(q + (q0 + j) * hidden + col, hd);
    round_rows_to_bf16(k + (kv0 + j) * hidden + col, hd, 1, kb, hd_k);
    uint32_t* panel = w.kt.data() + (j / kPanel) * dpairs * kPanel + j % kPanel;
    for (size_t p = 0; p < dpairs; ++p)
      panel[p * kPanel] = static_cast<uint32_t>(kb[2 * p]) | static_cast<uint32_t>(kb[2 * p + 1]) << 16;
  }
  uint16_t* va = w.row16.data();
  uint16_t* vb = va + dim_panels * kPanel;
  for (size_t p = 0; 2 * p < kvn; ++p) {
    round_rows_to_bf16(v + (kv0 + 2 * p) * hidden + col, hd, 1, va, dim_panels * kPanel);
    if (2 * p + 1 < kvn) {
      round_rows_to_bf16(v + (kv0 + 2 * p + 1) * hidden + col, hd, 1, vb, dim_panels * kPanel);
    } else {
      std::fill(vb, vb + dim_panels * kPanel, uint16_t{0});
    }
    for (size_t b = 0; b < dim_panels; ++b) {
      uint32_t* row = w.vp.data() + (b * kpairs + p) * kPanel;
      for (size_t d = 0; d < kPanel; ++d)
        row[d] = static_cast<uint32_t>(va[b * kPanel + d]) | static_cast<uint32_t>(vb[b * kPanel + d]) << 16;
    }
  }
  // Queries as bf16 rows of hd_k; the probabilities of a group as bf16 rows of kv_k.
  w.qp.resize((qn * hd_k + 1) / 2);
  auto* qrows = reinterpret_cast<uint16_t*>(w.qp.data());
  for (size_t t = 0; t < qn; ++t) round_rows_to_bf16(q + (q0 + t) * hidden + col, hd, 1, qrows + t * hd_k, hd_k);
  w.pp.resize(kGroupRows * kpairs);
  auto* prow = reinterpret_cast<uint16_t*>(w.pp.data());
  w.scores.resize(kGroupRows * kv_k);
  float* sc = w.scores.data();
  // Whole panels of the output columns write straight into out; a head_dim that is not a multiple of 16 goes
  // through ctx.
  const bool direct = hd % kPanel == 0;
  const size_t ldctx = round_up_to(dim_panels, 2) * kPanel;
  if (!direct) w.ctx.resize(kGroupRows * ldctx);
  for (size_t t = 0; t < qn; t += kGroupRows) {
    const size_t rows = std::min(kGroupRows, qn - t);
    // The keys any row of the group sees, in whole 32-key steps (the windows only grow with t).
    const size_t jlo = attention_parts::key_range(t, kvn, layout.window).begin / kKeyStep * kKeyStep;
    const size_t jhi =
        std::min(kv_k, round_up_to(attention_parts::key_range(t + rows - 1, kvn, layout.window).end, kKeyStep));
    for (size_t jb = jlo; jb < jhi; jb += kKeyStep) {
      const uint32_t* p0 = w.kt.data() + (jb / kPanel) * dpairs * kPanel;
      mm(qrows + t * hd_k, hd_k, p0, p0 + dpairs * kPanel, hd_k, sc + jb, kv_k, rows);
    }
    float inv[kGroupRows];
    for (size_t r = 0; r < rows; ++r) {
      const attention_parts::KeyRange keys = attention_parts::key_range(t + r, kvn, layout.window);
      inv[r] = mm.softmax_row(sc + r * kv_k, keys, jlo, jhi, scale, prow + r * kv_k);
    }
    for (size_t b = 0; b < dim_panels; b += 2) {
      const uint32_t* b0 = w.vp.data() + (b * kpairs + jlo / 2) * kPanel;
      const uint32_t* b1 = b + 1 < dim_panels ? b0 + kpairs * kPanel : nullptr;
      float* acc = direct ? out + (q0 + t) * hidden + col + b * kPanel : w.ctx.data() + b * kPanel;
      mm(prow + jlo, kv_k, b0, b1, jhi - jlo, acc, direct ? hidden : ldctx, rows);
    }
    // Each row's P.V sums divided by its probabilities' sum (softmax_to_bf16), while they are in L1.
    for (size_t r = 0; r < rows; ++r) {
      float* dst = out + (q0 + t + r) * hidden + col;
      if (direct) {
        for (size_t d = 0; d < hd; d += kVecLanes) store_vec16(dst + d, load_vec16(dst + d) * inv[r]);
      } else {
        const float* src = w.ctx.data() + r * ldctx;
        for (size_t d = 0; d < hd; ++d) dst[d] = src[d] * inv[r];
      }
    }
  }
}

}  // namespace ce::attention_tiles

#pragma GCC diagnostic pop
