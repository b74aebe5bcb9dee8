// Disentangled self-attention kernels: a literal reference and a (sequence, head)-parallel vectorised version.
#include "kernels/disentangled_attention.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"
#include "kernels/isa_variants.h"
#include "kernels/softmax.h"
#include "kernels/vec16.h"
#include "runtime/thread_pool.h"

// Vec16 values pass between always-inlined helpers only; GCC's note about the AVX-512 vector ABI is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

namespace {

// Sequences longer than the index tables, or with more query rows than keys, would read past them.
void check_layout(const AttentionLayout& layout, const RelativeAttention& rel) {
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  if (qo.size() != ko.size() || layout.heads == 0 || layout.hidden % layout.heads != 0 || rel.max_length == 0)
    throw Error(ErrorCode::InvalidArgument, "disentangled attention: inconsistent layout");
  for (size_t s = 0; s + 1 < qo.size(); ++s) {
    const int64_t queries = int64_t{qo[s + 1]} - qo[s], keys = int64_t{ko[s + 1]} - ko[s];
    if (keys < 1 || queries < 0 || queries > keys || static_cast<uint64_t>(keys) > rel.max_length)
      throw Error(ErrorCode::InvalidArgument, "disentangled attention: sequence " + std::to_string(s) + " has " +
                                                  std::to_string(keys) + " keys and " + std::to_string(queries) +
                                                  " queries; at most " + std::to_string(rel.max_length) +
                                                  " keys and no more queries than keys are supported");
  }
  // Every row the index tables give for the distances of the longest sequence must be held.
  int64_t longest = 0;
  for (size_t s = 0; s + 1 < ko.size(); ++s) longest = std::max<int64_t>(longest, int64_t{ko[s + 1]} - ko[s]);
  const size_t last = rel.max_length - 1;
  for (const int32_t* index : {rel.pos_key != nullptr ? rel.c2p_index : nullptr,
                               rel.pos_query != nullptr ? rel.p2c_index : nullptr}) {
    if (index == nullptr || longest == 0) continue;
    for (size_t at = last + 1 - static_cast<size_t>(longest); at <= last + static_cast<size_t>(longest) - 1; ++at)
      if (index[at] < 0 || static_cast<size_t>(index[at]) < rel.first_row ||
          static_cast<size_t>(index[at]) >= rel.first_row + rel.positions)
        throw Error(ErrorCode::InvalidArgument, "disentangled attention: relative position row " +
                                                    std::to_string(index[at]) + " is not among the rows held");
  }
}

float dot(const float* a, const float* b, size_t n) {
  float sum = 0.0f;
  for (size_t d = 0; d < n; ++d) sum += a[d] * b[d];
  return sum;
}

}  // namespace

void disentangled_attention_reference(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                      const float* k, const float* v, float* out) {
  check_layout(layout, rel);
  const size_t hd = layout.hidden / layout.heads;
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  const size_t last = rel.max_length - 1;  // index of distance 0
  std::vector<float> scores, scaled_key(hd);
  for (size_t s = 0; s + 1 < qo.size(); ++s) {
    const size_t kv0 = ko[s], kvn = ko[s + 1] - ko[s];
    scores.resize(kvn);
    for (size_t h = 0; h < layout.heads; ++h) {
      const size_t col = h * hd;
      for (size_t i = 0; i < static_cast<size_t>(qo[s + 1] - qo[s]); ++i) {
        const float* qi = q + (qo[s] + i) * layout.hidden + col;
        for (size_t j = 0; j < kvn; ++j) {
          const float* kj = k + (kv0 + j) * layout.hidden + col;
          // HF: bmm(q, k^T / scale) + (c2p / scale + p2c / scale).
          for (size_t d = 0; d < hd; ++d) scaled_key[d] = kj[d] / rel.scale;
          float score = dot(qi, scaled_key.data(), hd);
          const size_t at = last + i - j;
          float bias = 0.0f;
          bool has_bias = false;
          if (rel.pos_key != nullptr) {
            const float* pk = rel.pos_key + (rel.c2p_index[at] - rel.first_row) * layout.hidden + col;
            bias = dot(qi, pk, hd) / rel.scale;
            has_bias = true;
          }
          if (rel.pos_query != nullptr) {
            const float* pq = rel.pos_query + (rel.p2c_index[at] - rel.first_row) * layout.hidden + col;
            bias += dot(kj, pq, hd) / rel.scale;
            has_bias = true;
          }
          scores[j] = has_bias ? score + bias : score;
        }
        softmax_rows(scores.data(), 1, kvn);
        float* oi = out + (qo[s] + i) * layout.hidden + col;
        for (size_t d = 0; d < hd; ++d) {
          float sum = 0.0f;
          for (size_t j = 0; j < kvn; ++j) sum += scores[j] * v[(kv0 + j) * layout.hidden + col + d];
          oi[d] = sum;
        }
      }
    }
  }
}

namespace {

constexpr size_t kLanes = kVecLanes;

struct HeadScratch {
  std::vector<float> kt;      // [head_dim][kv_pad]: K transposed, zero columns past the sequence
  std::vector<float> vp;      // [kv][hd_pad]: V rows of this head, zero lanes past head_dim
  std::vector<float> p2c;     // [p2c rows used][kv_pad]: k_j . pos_query[row] for each key j
  std::vector<float> pkt;     // [head_dim][c2p_pad]: the c2p rows used of pos_key, transposed
  std::vector<float> c2p;     // [kGroupRows][c2p_pad]: q_i . pos_key[row] of the current query rows
  std::vector<float> scores;  // [kGroupRows][kv_pad]
  std::vector<float> ctx;     // [kGroupRows][hd_pad]
};

// The range [lo, hi] of rows `index` holds for distances i - j, i in [0, queries), j in [0, keys).
void used_rows(const int32_t* index, size_t last, size_t queries, size_t keys, size_t* lo, size_t* hi) {
  int32_t mn = index[last], mx = index[last];
  for (size_t at = last + 1 - keys; at <= last + queries - 1; ++at) {
    mn = std::min(mn, index[at]);
    mx = std::max(mx, index[at]);
  }
  *lo = static_cast<size_t>(mn);
  *hi = static_cast<size_t>(mx);
}

// Rows per group: R query rows (or position rows) at once give every vector load R independent multiply-add chains;
// one row alone is a single chain per vector and runs at the FMA latency, not its throughput (5x slower measured).
// Each value's chain is the same whatever R, so results do not depend on how rows are grouped.
constexpr int kGroupRows = 8;

// dst[r][jb..] = sum_d a[r][d] * bt[d][jb..] for R rows and `pad` columns (16 at a time, d in order).
template <int R>
__attribute__((always_inline)) inline void rows_times_transposed(const float* const* a, const float* bt, size_t depth,
                                                                 size_t pad, float* dst, size_t dst_stride) {
  for (size_t jb = 0; jb < pad; jb += kLanes) {
    Vec16 acc[R];
    for (int r = 0; r < R; ++r) acc[r] = Vec16{};
    for (size_t d = 0; d < depth; ++d) {
      const Vec16 b = load_vec16(bt + d * pad + jb);
      for (int r = 0; r < R; ++r) acc[r] += a[r][d] * b;
    }
    for (int r = 0; r < R; ++r) store_vec16(dst + r * dst_stride + jb, acc[r]);
  }
}

// Softmax over the first n of `pad` scores, in place; padding lanes end as zero. A fixed order of Vec16
// operations, so the same bits in every ISA variant and batch.
__attribute__((always_inline)) inline void softmax_row(float* s, size_t n, size_t pad) {
  float mx = s[0];
  for (size_t j = 1; j < n; ++j) mx = s[j] > mx ? s[j] : mx;
  for (size_t jb = 0; jb < pad; jb += kLanes) store_vec16(s + jb, exp_nonpositive(load_vec16(s + jb) - mx));
  for (size_t j = n; j < pad; ++j) s[j] = 0.0f;
  Vec16 vs = load_vec16(s);
  for (size_t jb = kLanes; jb < pad; jb += kLanes) vs += load_vec16(s + jb);
  float sum = 0.0f;
  for (size_t l = 0; l < kLanes; ++l) sum += vs[l];
  const float inv = 1.0f / sum;
  for (size_t jb = 0; jb < pad; jb += kLanes) store_vec16(s + jb, load_vec16(s + jb) * inv);
}

// What one (sequence, head) task's row groups share.
struct HeadGeometry {
  size_t hidden, col, hd, hd_pad, kvn, kv_pad;
  size_t last;  // index of distance 0 in the tables
  float scale;
  size_t c_lo, c_pad, p_lo;  // first c2p row held (and the padded count), first p2c row held
};

// Query positions [i0, i0 + R) of one head (q and out point at the sequence's first row).
template <int R>
__attribute__((always_inline)) inline void query_rows(const HeadGeometry& g, const RelativeAttention& rel,
                                                      const float* q, size_t i0, HeadScratch& w, float* out) {
  const float* qi[R];
  for (int r = 0; r < R; ++r) qi[r] = q + (i0 + r) * g.hidden + g.col;
  float* sc = w.scores.data();
  rows_times_transposed<R>(qi, w.kt.data(), g.hd, g.kv_pad, sc, g.kv_pad);
  if (rel.pos_key != nullptr) rows_times_transposed<R>(qi, w.pkt.data(), g.hd, g.c_pad, w.c2p.data(), g.c_pad);
  for (int r = 0; r < R; ++r) {
    float* s = sc + r * g.kv_pad;
    const float* c2p = w.c2p.data() + r * g.c_pad;
    // The relative terms in HF's order: content / scale + (c2p / scale + p2c / scale). Entry [-j] of the tables
    // below is distance i - j.
    const int32_t* c2p_at = rel.c2p_index + g.last + i0 + r;
    const int32_t* p2c_at = rel.p2c_index + g.last + i0 + r;
    const float scale = g.scale;
    if (rel.pos_key != nullptr && rel.pos_query != nullptr) {
      for (size_t j = 0; j < g.kvn; ++j) {
        const float c = c2p[static_cast<size_t>(c2p_at[-static_cast<ptrdiff_t>(j)]) - g.c_lo] / scale;
        const float p = w.p2c[(static_cast<size_t>(p2c_at[-static_cast<ptrdiff_t>(j)]) - g.p_lo) * g.kv_pad + j] / scale;
        s[j] = s[j] / scale + (c + p);
      }
    } else if (rel.pos_key != nullptr) {
      for (size_t j = 0; j < g.kvn; ++j)
        s[j] = s[j] / scale + c2p[static_cast<size_t>(c2p_at[-static_cast<ptrdiff_t>(j)]) - g.c_lo] / scale;
    } else if (rel.pos_query != nullptr) {
      for (size_t j = 0; j < g.kvn; ++j)
        s[j] = s[j] / scale +
               w.p2c[(static_cast<size_t>(p2c_at[-static_cast<ptrdiff_t>(j)]) - g.p_lo) * g.kv_pad + j] / scale;
    } else {
      for (size_t j = 0; j < g.kvn; ++j) s[j] = s[j] / scale;
    }
    softmax_row(s, g.kvn, g.kv_pad);
  }
  // ctx[r] = sum_j p_rj v_j, over keys in order, 16 head dimensions at a time.
  for (size_t db = 0; db < g.hd_pad; db += kLanes) {
    Vec16 acc[R];
    for (int r = 0; r < R; ++r) acc[r] = Vec16{};
    for (size_t j = 0; j < g.kvn; ++j) {
      const Vec16 vv = load_vec16(w.vp.data() + j * g.hd_pad + db);
      for (int r = 0; r < R; ++r) acc[r] += sc[r * g.kv_pad + j] * vv;
    }
    for (int r = 0; r < R; ++r) store_vec16(w.ctx.data() + r * g.hd_pad + db, acc[r]);
  }
  for (int r = 0; r < R; ++r)
    std::memcpy(out + (i0 + r) * g.hidden + g.col, w.ctx.data() + r * g.hd_pad, g.hd * sizeof(float));
}

__attribute__((always_inline)) inline void one_head_body(const AttentionLayout& layout, const RelativeAttention& rel,
                                                         size_t s, size_t h, const float* q, const float* k,
                                                         const float* v, float* out, HeadScratch& w) {
  const size_t hd = layout.hidden / layout.heads;
  const auto& qo = *layout.q_offsets;
  const auto& ko = *layout.kv_offsets;
  const size_t kv0 = ko[s], kvn = ko[s + 1] - ko[s];
  const size_t q0 = qo[s], qn = qo[s + 1] - qo[s];
  const size_t kv_pad = round_up_lanes(kvn), hd_pad = round_up_lanes(hd);
  const size_t col = h * hd;
  const size_t last = rel.max_length - 1;
  const float scale = rel.scale;

  // Every element a loop reads is written first, except the padding of K (columns past the sequence), of V (lanes
  // past head_dim) and of the transposed c2p rows, which must be zero.
  w.kt.assign(hd * kv_pad, 0.0f);
  w.vp.assign(kvn * hd_pad, 0.0f);
  w.scores.resize(kGroupRows * kv_pad);
  w.ctx.resize(kGroupRows * hd_pad);
  for (size_t j = 0; j < kvn; ++j) {
    const float* kj = k + (kv0 + j) * layout.hidden + col;
    for (size_t d = 0; d < hd; ++d) w.kt[d * kv_pad + j] = kj[d];
    std::memcpy(w.vp.data() + j * hd_pad, v + (kv0 + j) * layout.hidden + col, hd * sizeof(float));
  }

  // p2c: k_j . pos_query[row] for every key and every row some query of this sequence reads (the table is linear
  // in the sequence length: at most 2 * span rows).
  size_t p_lo = 0, p_hi = 0;
  if (rel.pos_query != nullptr) {
    used_rows(rel.p2c_index, last, qn, kvn, &p_lo, &p_hi);
    w.p2c.resize((p_hi - p_lo + 1) * kv_pad);
    const float* rows[kGroupRows];
    size_t r = p_lo;
    for (; r + kGroupRows <= p_hi + 1; r += kGroupRows) {
      for (int g = 0; g < kGroupRows; ++g) rows[g] = rel.pos_query + (r + g - rel.first_row) * layout.hidden + col;
      rows_times_transposed<kGroupRows>(rows, w.kt.data(), hd, kv_pad, w.p2c.data() + (r - p_lo) * kv_pad, kv_pad);
    }
    for (; r <= p_hi; ++r) {
      rows[0] = rel.pos_query + (r - rel.first_row) * layout.hidden + col;
      rows_times_transposed<1>(rows, w.kt.data(), hd, kv_pad, w.p2c.data() + (r - p_lo) * kv_pad, kv_pad);
    }
  }
  // c2p: the rows of pos_key this sequence reads, transposed, so each query row's products are one vector loop.
  size_t c_lo = 0, c_hi = 0, c_pad = 0;
  if (rel.pos_key != nullptr) {
    used_rows(rel.c2p_index, last, qn, kvn, &c_lo, &c_hi);
    c_pad = round_up_lanes(c_hi - c_lo + 1);
    w.pkt.assign(hd * c_pad, 0.0f);
    for (size_t r = c_lo; r <= c_hi; ++r) {
      const float* pk = rel.pos_key + (r - rel.first_row) * layout.hidden + col;
      for (size_t d = 0; d < hd; ++d) w.pkt[d * c_pad + (r - c_lo)] = pk[d];
    }
    w.c2p.resize(kGroupRows * c_pad);
  }

  const HeadGeometry g{layout.hidden, col, hd, hd_pad, kvn, kv_pad, last, scale, c_lo, c_pad, p_lo};
  size_t i = 0;
  for (; i + kGroupRows <= qn; i += kGroupRows) query_rows<kGroupRows>(g, rel, q + q0 * layout.hidden, i, w, out + q0 * layout.hidden);
  for (; i < qn; ++i) query_rows<1>(g, rel, q + q0 * layout.hidden, i, w, out + q0 * layout.hidden);
}

CE_ISA_VARIANTS(one_head,
                (const AttentionLayout& layout, const RelativeAttention& rel, size_t s, size_t h, const float* q,
                 const float* k, const float* v, float* out, HeadScratch& w),
                (layout, rel, s, h, q, k, v, out, w))

}  // namespace

void disentangled_attention_forward(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                    const float* k, const float* v, float* out, ThreadPool* pool) {
  check_layout(layout, rel);
  const size_t seqs = layout.q_offsets->empty() ? 0 : layout.q_offsets->size() - 1;
  const size_t tasks = seqs * layout.heads;
  auto body = [&](size_t b, size_t e) {
    HeadScratch scratch;  // per chunk: threads never share scratch
    for (size_t t = b; t < e; ++t) one_head(layout, rel, t / layout.heads, t % layout.heads, q, k, v, out, scratch);
  };
  if (pool == nullptr || pool->size() <= 1 || tasks <= 1) {
    body(0, tasks);
  } else {
    pool->parallel_for(tasks, 1, body);
  }
}

}  // namespace ce
