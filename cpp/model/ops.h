// The set of kernels a forward pass runs, chosen once: fast (ISA-dispatched, threaded) or reference (plain
// loops, one thread; the oracle the fast set is tested against). A family writes its forward pass once against
// Ops instead of branching on a flag; reduced-precision sets (bf16, int8) plug in as further tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/disentangled_attention.h"
#include "kernels/gated_activation.h"
#include "kernels/gemm.h"
#include "kernels/layernorm.h"
#include "kernels/rotary.h"
#include "model/forward_scratch.h"

namespace ce {

class ThreadPool;

// One entry per operation a forward pass needs; every entry of one table computes the same maths.
struct OpsTable {
  const char* name;
  // y = x W^T + b (row stride = out_features).
  void (*linear)(const PackedLinear& layer, const float* x, size_t rows, float* y, ThreadPool* pool);
  // ys[i] = x W_i^T + b_i for `count` layers over one input (a layer's key, value and query projections).
  void (*linear_shared_input)(const PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                              size_t rows, ThreadPool* pool);
  // y = act(x W^T + b).
  void (*linear_activation)(const PackedLinear& layer, const float* x, size_t rows, float* y, HiddenActivation act,
                            ThreadPool* pool);
  // y = (x W^T + b) + residual (residual row stride = out_features): BertSelfOutput / BertOutput before LayerNorm.
  void (*linear_residual)(const PackedLinear& layer, const float* x, const float* residual, size_t rows, float* y,
                          ThreadPool* pool);
  // y = LayerNorm((x W^T + b) + residual): BertSelfOutput (residual row stride = out_features).
  void (*linear_residual_norm)(const PackedLinear& layer, const float* x, const float* residual, size_t rows,
                               float* y, const LayerNormParams& norm, ThreadPool* pool);
  // The feed-forward block: y = (act(x up^T + b_up) down^T + b_down) + residual (residual row stride =
  // down.out_features; it may be x), then LayerNorm'ed with `norm` when not null (BertOutput). Gated (GeGLU,
  // ModernBERT): the up projection gives [input | gate] rows and the down projection takes act(input) * gate.
  // `intermediate` holds activations where the op materialises them (the reference; the fast set when too few
  // rows to fuse, feed_forward.h), one chunk of rows at a time.
  void (*feed_forward)(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                       const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                       ScratchBuffer& intermediate, ThreadPool* pool);
  void (*attention)(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out,
                    ThreadPool* pool);
  void (*layer_norm)(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps,
                     ThreadPool* pool);
  // DeBERTa's attention variant: content scores plus c2p / p2c relative-position terms.
  void (*disentangled_attention)(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                 const float* k, const float* v, float* out, ThreadPool* pool);
  // Gated MLP activation (GeGLU): x rows of [input | gate] (2 * width), out = act(input) * gate; x is clobbered.
  void (*gated_activation)(HiddenActivation act, float* x, size_t rows, size_t width, float* out, ThreadPool* pool);
  // RoPE on packed q or k rows in place (see apply_rotary: row offsets[s] + t is position t).
  void (*rotary)(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden,
                 ThreadPool* pool);
  // Whether the last layer may compute only the rows the head reads (its [CLS] rows): a pure saving of the fast
  // set; the reference set computes every row, as PyTorch does.
  bool head_rows_only;
};

extern const OpsTable kFastOps;
extern const OpsTable kReferenceOps;

// A table bound to the pool it runs on (the reference set never uses one).
class Ops {
 public:
  static Ops fast(ThreadPool* pool) { return Ops(kFastOps, pool); }
  static Ops reference() { return Ops(kReferenceOps, nullptr); }
  // Any other table (e.g. a profiler wrapping the fast one, bench/op_profile.cpp); `table` must outlive the Ops.
  static Ops with_table(const OpsTable& table, ThreadPool* pool) { return Ops(table, pool); }

  const char* name() const { return table_->name; }
  bool head_rows_only() const { return table_->head_rows_only; }
  ThreadPool* pool() const { return pool_; }

  void linear(const PackedLinear& l, const float* x, size_t rows, float* y) const {
    table_->linear(l, x, rows, y, pool_);
  }
  void linear_shared_input(const PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                           size_t rows) const {
    table_->linear_shared_input(layers, ys, count, x, rows, pool_);
  }
  void linear_activation(const PackedLinear& l, const float* x, size_t rows, float* y, HiddenActivation act) const {
    table_->linear_activation(l, x, rows, y, act, pool_);
  }
  void linear_residual(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y) const {
    table_->linear_residual(l, x, residual, rows, y, pool_);
  }
  void linear_residual_norm(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                            const LayerNormParams& norm) const {
    table_->linear_residual_norm(l, x, residual, rows, y, norm, pool_);
  }
  void feed_forward(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                    const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                    ScratchBuffer& intermediate) const {
    table_->feed_forward(up, down, act, gated, x, residual, rows, y, norm, intermediate, pool_);
  }
  void attention(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out) const {
    table_->attention(layout, q, k, v, out, pool_);
  }
  void layer_norm(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps) const {
    table_->layer_norm(x, rows, width, gamma, beta, eps, pool_);
  }
  void disentangled_attention(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                              const float* k, const float* v, float* out) const {
    table_->disentangled_attention(layout, rel, q, k, v, out, pool_);
  }
  void gated_activation(HiddenActivation act, float* x, size_t rows, size_t width, float* out) const {
    table_->gated_activation(act, x, rows, width, out, pool_);
  }
  void rotary(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden) const {
    table_->rotary(table, x, offsets, hidden, pool_);
  }

 private:
  Ops(const OpsTable& table, ThreadPool* pool) : table_(&table), pool_(pool) {}
  const OpsTable* table_;
  ThreadPool* pool_;
};

}  // namespace ce
