// Self-attention kernels: reference and a (sequence, head)-parallel version with transposed keys.
#include "kernels/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/attention_parts.h"
#include "kernels/attention_bf16.h"
#include "kernels/attention_bf16_tiles.h"
#include "common/aligned_vector.h"
#include "common/error.h"
#include "kernels/gemm_kernels.h"
#include "kernels/gemm_convert.h"
#include "kernels/isa_variants.h"
#include "kernels/softmax.h"
#include "kernels/vec16.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

// Vec16 values pass between always-inlined helpers only; GCC's note about the AVX-512 vector ABI is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

using attention_parts::key_range;
using attention_parts::KeyRange;
using attention_parts::kPrefetchRows;
using attention_parts::kQueryRows;
using attention_parts::prefetch_slice;

void attention_reference(const AttentionLayout& layout, const float* q, const float* k, const float* v,
                         float* out) {
  const size_t hd = layout.hidden / layout.heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  // A matmul operand: as is, or rounded to bf16 (the products of two bf16 values are exact in fp32).
  const bool bf16 = layout.bf16_matmuls;
  auto operand = [bf16](float x) { return bf16 ? float_from_bf16(bf16_from_float(x)) : x; };
  std::vector<float> scores;
  for (size_t s = 0; s + 1 < qo.size(); ++s) {
    const size_t kv0 = ko[s], kvn = ko[s + 1] - ko[s];
    for (size_t h = 0; h < layout.heads; ++h) {
      const size_t col = h * hd;
      for (size_t i = qo[s]; i < static_cast<size_t>(qo[s + 1]); ++i) {
        const KeyRange keys = key_range(i - qo[s], kvn, layout.window);
        const size_t count = keys.end - keys.begin;
        scores.resize(count);
        const float* qi = q + i * layout.hidden + col;
        for (size_t j = 0; j < count; ++j) {
          const float* kj = k + (kv0 + keys.begin + j) * layout.hidden + col;
          float dot = 0.0f;
          for (size_t d = 0; d < hd; ++d) dot += operand(qi[d]) * operand(kj[d]);
          scores[j] = dot * scale;
        }
        softmax_rows(scores.data(), 1, count);
        for (float& p : scores) p = operand(p);
        float* oi = out + i * layout.hidden + col;
        for (size_t d = 0; d < hd; ++d) {
          float sum = 0.0f;
          for (size_t j = 0; j < count; ++j)
            sum += scores[j] * operand(v[(kv0 + keys.begin + j) * layout.hidden + col + d]);
          oi[d] = sum;
        }
      }
    }
  }
}

namespace {

// Explicit 16-wide vectors over zero-padded scratch: every score and context value goes through the same
// instructions whatever the heap alignment or sequence length (auto-vectorised loops with alignment peeling
// and scalar tails computed some elements differently, which broke bitwise determinism across batches).
constexpr size_t kLanes = kVecLanes;
inline size_t round_up(size_t n) { return round_up_lanes(n); }

// Cache-line aligned: the loops' 64-byte loads of K, V and score rows then never straddle two lines.
struct HeadScratch {
  AlignedVector<float> kt;      // [head_dim][kv_pad]: K transposed, zero columns past the sequence
  AlignedVector<float> vp;      // [kv][hd_pad]: V rows of this head, zero-padded to whole vectors (when needed)
  AlignedVector<float> qr;      // [query rows][head_dim]: with bf16 matmuls, the head's queries rounded to bf16
  AlignedVector<float> scores;  // [kQueryRows][kv_pad]
  AlignedVector<float> ctx;     // [kQueryRows][hd_pad] (when head_dim is not whole vectors)
};

// scores[r][jb + b * W + lane] = (q_r . k_j) * scale for N vectors of W keys from jb, accumulated over d in order.
// N vectors per step (2 on AVX-512) share each broadcast query value between N multiply-adds: with one, each step
// issued a load per FMA and the loop ran on the load ports. Each lane's chain is the same whatever N.
template <int R, typename V, int N>
__attribute__((always_inline)) inline void score_vectors(const float* const* qi, const float* kt, size_t kv_pad,
                                                         size_t hd, size_t jb, float scale, float* sc) {
  constexpr size_t kWidth = sizeof(V) / sizeof(float);
  V acc[R][N];
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < N; ++b) acc[r][b] = V{};
  for (size_t d = 0; d < hd; ++d) {
    V kv[N];
    for (int b = 0; b < N; ++b) std::memcpy(&kv[b], kt + d * kv_pad + jb + b * kWidth, sizeof kv[b]);
    for (int r = 0; r < R; ++r) {
      const float qd = qi[r][d];
      for (int b = 0; b < N; ++b) acc[r][b] += qd * kv[b];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int b = 0; b < N; ++b) {
      acc[r][b] *= scale;
      std::memcpy(sc + r * kv_pad + jb + b * kWidth, &acc[r][b], sizeof acc[r][b]);
    }
  }
}

// dst[r][db + b * W + lane] = sum_j p_rj v_j[db + b * W + lane] for N vectors of W head dims from db, accumulated
// over the keys [ja, jend) in order; as score_vectors, N vectors share each broadcast probability.
template <int R, typename V, int N>
__attribute__((always_inline)) inline void context_vectors(const float* sc, size_t kv_pad, const float* vp,
                                                           size_t hd_pad, size_t ja, size_t jend, size_t db,
                                                           float* const* dst) {
  constexpr size_t kWidth = sizeof(V) / sizeof(float);
  V acc[R][N];
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < N; ++b) acc[r][b] = V{};
  for (size_t j = ja; j < jend; ++j) {
    V vv[N];
    for (int b = 0; b < N; ++b) std::memcpy(&vv[b], vp + j * hd_pad + db + b * kWidth, sizeof vv[b]);
    for (int r = 0; r < R; ++r) {
      const float p = sc[r * kv_pad + j];
      for (int b = 0; b < N; ++b) acc[r][b] += p * vv[b];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int b = 0; b < N; ++b) std::memcpy(dst[r] + db + b * kWidth, &acc[r][b], sizeof acc[r][b]);
}

// Query rows [i0, i0 + R) of one head, tokens [t0, t0 + R) of the sequence; row r's head slice is at
// q_head + r * q_stride. R rows at once give every k/v vector load R independent multiply-add chains; one row
// alone is a single chain per vector and runs at the FMA latency, not its throughput. Each value's chain (d order
// for scores, key order for the context) is the same whatever R, so results do not depend on how rows are
// grouped. `sc` holds R rows of kv_pad scores (indexed by key), `ctx` R rows of hd_pad values.
// Only the keys the group's windows reach are scored: [jlo, jhi), jlo a multiple of 16, jhi padded to whole
// vectors. A row's keys outside its own window get probability exactly 0, and the softmax sum runs lane-wise over
// whole vectors from the 16-aligned jlo, so the extra zeros change no bits: a row's result is the same whatever
// group (and range) it is computed in. Without a window the range is [0, kv_pad), as for BERT.
// With bf16 matmuls the operands arrive rounded (q_head, kt and vp by the caller; the probabilities by the
// softmax), so the same loops compute the bf16 products exactly.
// V is the vector the two matmul loops accumulate in: Vec16, or on 16-register ISAs Vec8 (GCC lowers a 64-byte
// vector there through the stack, element moves and all); each lane's chain is the same either way.
// B: vectors per row per step of both matmul loops (score_vectors, context_vectors), then single vectors for the
// rest.
template <int R, typename V, int B = 1>
__attribute__((always_inline)) inline void query_rows(const AttentionLayout& layout, size_t i0, size_t t0,
                                                      size_t col, const float* q_head, size_t q_stride,
                                                      const HeadScratch& w, size_t kvn, size_t kv_pad, size_t hd,
                                                      size_t hd_pad, float scale, float* sc, float* ctx,
                                                      float* out) {
  const float* qi[R];
  KeyRange keys[R];
  for (int r = 0; r < R; ++r) {
    qi[r] = q_head + r * q_stride;
    keys[r] = key_range(t0 + r, kvn, layout.window);
  }
  // Windows move right with the token: the first row's window starts leftmost, the last row's ends rightmost.
  const size_t jlo = keys[0].begin / kLanes * kLanes, jhi = round_up(keys[R - 1].end);
  // scores[r][j] = (q_r . k_j) * scale, accumulated over d in order, 16 keys at a time.
  constexpr size_t kWidth = sizeof(V) / sizeof(float);
  static_assert(kLanes % kWidth == 0, "V must divide the 16-lane blocks");
  size_t jb = jlo;
  if constexpr (B == 2)
    for (; jb + 2 * kWidth <= jhi; jb += 2 * kWidth)
      score_vectors<R, V, 2>(qi, w.kt.data(), kv_pad, hd, jb, scale, sc);
  for (; jb < jhi; jb += kWidth) score_vectors<R, V, 1>(qi, w.kt.data(), kv_pad, hd, jb, scale, sc);
  attention_parts::softmax_rows_group<R>(sc, kv_pad, keys, jlo, jhi, layout.bf16_matmuls);
  // ctx[r] = sum_j p_rj v_j, accumulated over j in order (the group's keys; zero probabilities add exact zeros),
  // 16 head dimensions at a time. With head_dim a multiple of 16 (MiniLM's 32, BERT's 64) straight into the
  // output rows; otherwise through ctx, whose padding lanes are dropped when copying out.
  const size_t ja = keys[0].begin, jb_end = keys[R - 1].end;
  const bool direct_out = hd == hd_pad;
  float* dst[R];
  for (int r = 0; r < R; ++r) dst[r] = direct_out ? out + (i0 + r) * layout.hidden + col : ctx + r * hd_pad;
  size_t db = 0;
  if constexpr (B == 2)
    for (; db + 2 * kWidth <= hd_pad; db += 2 * kWidth)
      context_vectors<R, V, 2>(sc, kv_pad, w.vp.data(), hd_pad, ja, jb_end, db, dst);
  for (; db < hd_pad; db += kWidth) context_vectors<R, V, 1>(sc, kv_pad, w.vp.data(), hd_pad, ja, jb_end, db, dst);
  if (!direct_out)
    for (int r = 0; r < R; ++r)
      std::memcpy(out + (i0 + r) * layout.hidden + col, ctx + r * hd_pad, hd * sizeof(float));
}

inline float round_bf16(float x) { return float_from_bf16(bf16_from_float(x)); }

template <bool kBf16, int kRows, typename V, int kBlocks>
__attribute__((always_inline)) inline void one_head_impl(const AttentionLayout& layout, size_t s, size_t h,
                                                         const float* q, const float* k, const float* v, float* out,
                                                         HeadScratch& w) {
  const size_t hd = layout.hidden / layout.heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  const size_t kv0 = ko[s], kvn = ko[s + 1] - ko[s];
  const size_t kv_pad = round_up(kvn), hd_pad = round_up(hd);
  const size_t col = h * hd;
  // Every element the loops read is written first (scores and ctx entirely by their loops), except the
  // padding of K (columns past the sequence) and of V (lanes past head_dim), which must be zero. V is copied
  // even when its rows are whole vectors: compact, it stays in L1 for every group of query rows, while read in
  // place (a row stride of `hidden`) it was re-fetched from L2 each time.
  w.kt.resize(hd * kv_pad);
  w.scores.resize(kQueryRows * kv_pad);
  if (hd == hd_pad) {
    w.vp.resize(kvn * hd_pad);
  } else {
    w.vp.assign(kvn * hd_pad, 0.0f);
    w.ctx.resize(kQueryRows * hd_pad);
  }
  // This is the head's first touch of its K, V and Q slices: a few cache lines per token, a row stride of `hidden`
  // apart, written by the projection GEMM over the whole batch and mostly out of L2 by now. The copy waited on
  // each row's miss in turn (a third of the attention time, MiniLM 32 x 128), so the rows kPrefetchRows ahead are
  // requested while this one is copied, and the query rows too, which the score loop reads next.
  const size_t q0 = static_cast<size_t>(qo[s]), qn = static_cast<size_t>(qo[s + 1]) - q0;
  for (size_t j = 0; j < kvn; ++j) {
    if (j + kPrefetchRows < kvn) {
      prefetch_slice(k + (kv0 + j + kPrefetchRows) * layout.hidden + col, hd);
      prefetch_slice(v + (kv0 + j + kPrefetchRows) * layout.hidden + col, hd);
    }
    if (j < qn) prefetch_slice(q + (q0 + j) * layout.hidden + col, hd);
    const float* kj = k + (kv0 + j) * layout.hidden + col;
    float* vj = w.vp.data() + j * hd_pad;
    const float* src = v + (kv0 + j) * layout.hidden + col;
    if (kBf16) {
      for (size_t d = 0; d < hd; ++d) w.kt[d * kv_pad + j] = round_bf16(kj[d]);
      for (size_t d = 0; d < hd; ++d) vj[d] = round_bf16(src[d]);
    } else {
      for (size_t d = 0; d < hd; ++d) w.kt[d * kv_pad + j] = kj[d];
      if (hd == hd_pad) {
        for (size_t db = 0; db < hd; db += kLanes) std::memcpy(vj + db, src + db, kLanes * sizeof(float));  // inlined
      } else {
        std::memcpy(vj, src, hd * sizeof(float));
      }
    }
  }
  for (size_t d = 0; d < hd; ++d) std::fill(w.kt.data() + d * kv_pad + kvn, w.kt.data() + (d + 1) * kv_pad, 0.0f);
  // The queries: read in place, or (bf16) rounded into scratch once per head.
  const float* q_head = q + q0 * layout.hidden + col;
  size_t q_stride = layout.hidden;
  if (kBf16) {
    w.qr.resize(qn * hd);
    for (size_t t = 0; t < qn; ++t)
      for (size_t d = 0; d < hd; ++d) w.qr[t * hd + d] = round_bf16(q_head[t * layout.hidden + d]);
    q_head = w.qr.data();
    q_stride = hd;
  }
  size_t t = 0;
  for (; t + kRows <= qn; t += kRows)
    query_rows<kRows, V, kBlocks>(layout, q0 + t, t, col, q_head + t * q_stride, q_stride, w, kvn, kv_pad, hd,
                                  hd_pad, scale, w.scores.data(), w.ctx.data(), out);
  for (; t < qn; ++t)
    query_rows<1, V, kBlocks>(layout, q0 + t, t, col, q_head + t * q_stride, q_stride, w, kvn, kv_pad, hd, hd_pad,
                              scale, w.scores.data(), w.ctx.data(), out);
}

// The register blocking of one ISA's copy: query rows per group, the vector the matmul loops accumulate in, and
// vectors per row per step (2 on 32-register AVX-512: 16 accumulators; the 16-register ISAs would spill them).
template <int kGroupRows, typename Vector, int kVectorBlocks>
struct HeadBlocking {
  static constexpr int kRows = kGroupRows;
  static constexpr int kBlocks = kVectorBlocks;
  using V = Vector;
};
using WideHead = HeadBlocking<kQueryRows, Vec16, 2>;
using NarrowHead = HeadBlocking<kQueryRows, Vec8, 1>;

template <typename Blocking>
__attribute__((always_inline)) inline void one_head_body(const AttentionLayout& layout, size_t s, size_t h,
                                                         const float* q, const float* k, const float* v, float* out,
                                                         HeadScratch& w) {
  if (layout.bf16_matmuls) {
    one_head_impl<true, Blocking::kRows, typename Blocking::V, Blocking::kBlocks>(layout, s, h, q, k, v, out, w);
  } else {
    one_head_impl<false, Blocking::kRows, typename Blocking::V, Blocking::kBlocks>(layout, s, h, q, k, v, out, w);
  }
}

// One copy per ISA, chosen at run time like the GEMM micro-kernel (isa_variants.h). AVX-512 accumulates in Vec16
// (one zmm register); the 16-register ISAs in Vec8, one ymm on AVX2: with Vec16 GCC kept each of the group's
// accumulators on the stack and moved them in pieces (MiniLM 32 x 128 on an AVX2-only AMD EPYC: attention took
// 37% of an fp32 pass). Each lane's chain is the same, so every ISA still gives the same bits.
CE_ISA_VARIANTS_PER_WIDTH(one_head,
                          (const AttentionLayout& layout, size_t s, size_t h, const float* q, const float* k,
                           const float* v, float* out, HeadScratch& w),
                          (layout, s, h, q, k, v, out, w), <WideHead>, <NarrowHead>)

}  // namespace

#if defined(CE_HAVE_X86_KERNELS)
AttentionHeadFn attention_bf16_head_avx512();  // x86/attention_bf16_avx512.cpp
AttentionHeadFn attention_bf16_head_amx();     // x86/attention_bf16_amx.cpp
#endif

AttentionHeadFn attention_bf16_head_kernel() {
#if defined(CE_HAVE_X86_KERNELS)
  if (vector_loop_isa() == Isa::Avx512 && cpu_features().has(CpuCapability::Avx512Bf16))
    return attention_bf16_head_avx512();
#endif
  return nullptr;
}

namespace {

// The tile head over any kernel of the tile program's shape, through its function pointer: the tests' tile model
// (the hardware kernel runs inlined in x86/attention_bf16_amx.cpp).
struct KernelMatMul {
  GemmConvertedMicroKernel run;
  void operator()(const void* a, size_t lda, const void* b0, const void* b1, size_t kc, float* acc, size_t ldacc,
                  size_t rows) {
    run(a, lda, b0, b1, static_cast<int>(kc), acc, ldacc, false, static_cast<int>(rows));
  }
  float softmax_row(const float* row, KeyRange keys, size_t jlo, size_t jhi, float scale, uint16_t* p) {
    return attention_tiles::softmax_to_bf16(row, keys, jlo, jhi, scale, p);
  }
};

void tile_head_with(const GemmKernel& kern, const AttentionLayout& layout, size_t s, size_t h, const float* q,
                    const float* k, const float* v, float* out, AttentionBf16Scratch& w) {
  KernelMatMul mm{kern.run_converted};
  attention_tiles::head(mm, layout, s, h, q, k, v, out, w);
}

// The AMX head where the AMX bf16 GEMM kernel is the active one (so CE_FORCE_ISA and the OS's tile permission
// decide both alike).
AttentionHeadFn attention_bf16_head_tiles() {
#if defined(CE_HAVE_X86_KERNELS)
  // Its softmax rounds with VCVTNEPS2BF16 (x86/attention_bf16_amx.cpp): every AMX-BF16 CPU so far has AVX512-BF16,
  // but that is checked, not assumed.
  if (active_gemm_kernel(WeightFormat::BF16).needs.has(CpuCapability::AmxTile) &&
      cpu_features().has(CpuCapability::Avx512Bf16))
    return attention_bf16_head_amx();
#endif
  return nullptr;
}

}  // namespace

void attention_forward(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out,
                       ThreadPool* pool) {
  const size_t seqs = layout.q_offsets->empty() ? 0 : layout.q_offsets->size() - 1;
  const size_t tasks = seqs * layout.heads;
  // The bf16 head (Bf16AttentionHeads); nullptr: the loops below (fp32, or on the rounded operands).
  AttentionHeadFn bf16_head = nullptr;
  const GemmKernel* tile_kernel = nullptr;
  if (layout.bf16_matmuls) {
    switch (layout.bf16_heads) {
      case Bf16AttentionHeads::Auto:
        bf16_head = attention_bf16_head_tiles();
        if (bf16_head == nullptr) bf16_head = attention_bf16_head_kernel();
        break;
      case Bf16AttentionHeads::Vector:
        bf16_head = attention_bf16_head_kernel();
        break;
      case Bf16AttentionHeads::Tiles:
        tile_kernel = layout.bf16_tile_kernel;
        if (tile_kernel == nullptr || tile_kernel->format != WeightFormat::BF16 || tile_kernel->mr < 32 ||
            tile_kernel->panels != 2 || tile_kernel->run_converted == nullptr)
          throw Error(ErrorCode::Internal, "attention_forward: the tile head needs a 32-row, two-panel bf16 kernel");
        break;
    }
  }
  auto body = [&](size_t b, size_t e) {
    HeadScratch scratch;  // per chunk: threads never share scratch
    AttentionBf16Scratch bf16_scratch;
    for (size_t t = b; t < e; ++t) {
      if (tile_kernel != nullptr) {
        tile_head_with(*tile_kernel, layout, t / layout.heads, t % layout.heads, q, k, v, out, bf16_scratch);
      } else if (bf16_head != nullptr) {
        bf16_head(layout, t / layout.heads, t % layout.heads, q, k, v, out, bf16_scratch);
      } else {
        one_head(layout, t / layout.heads, t % layout.heads, q, k, v, out, scratch);
      }
    }
  };
  if (pool == nullptr || pool->size() <= 1 || tasks <= 1) {
    body(0, tasks);
  } else {
    pool->parallel_for(tasks, 1, body);
  }
}

}  // namespace ce
