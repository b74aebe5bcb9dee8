// The fast and reference op tables.
#include "model/ops.h"

#include <algorithm>

#include "kernels/feed_forward.h"
#include "kernels/layernorm.h"

namespace ce {

namespace {

void fast_linear(const PackedLinear& l, const float* x, size_t rows, float* y, ThreadPool* pool) {
  linear_forward(l, x, rows, y, pool);
}

void fast_linear_activation(const PackedLinear& l, const float* x, size_t rows, float* y, HiddenActivation act,
                            ThreadPool* pool) {
  if (act == HiddenActivation::GeluErf) {
    // GELU in the GEMM's store, while each tile is in cache (same bits as the separate pass).
    linear_forward(l, x, rows, y, pool, GemmEpilogue::BiasGeluErf);
  } else {
    linear_forward(l, x, rows, y, pool);
    hidden_activation(act, y, rows * static_cast<size_t>(l.out_features), pool);
  }
}

// The residual is added in the GEMM's store: (sum + bias) + residual, the reference's order, so the same bits.
void fast_linear_residual(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                          ThreadPool* pool) {
  linear_forward(l, x, rows, y, pool, GemmEpilogue::BiasResidual, residual);
}

// Rows per chunk where the feed-forward block materialises its intermediate activations: 448 x 1536 floats (2.6 MB)
// for MiniLM, and 8 GEMM row tasks of 56 rows, an even split over 2 or 4 threads. Rows are independent in both
// GEMMs and the activation, so chunking changes no bits.
constexpr size_t kFeedForwardChunkRows = 448;

// The block as two GEMMs over chunks of rows, through `intermediate`, with one op set's functions.
template <typename Linear, typename LinearActivation, typename GatedActivation, typename LinearResidual>
void chunked_feed_forward(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                          const float* x, const float* residual, size_t rows, float* y, ScratchBuffer& intermediate,
                          ThreadPool* pool, Linear linear, LinearActivation linear_activation,
                          GatedActivation gated_activation, LinearResidual linear_residual) {
  check_feed_forward_widths(up, down, gated);
  const size_t k = static_cast<size_t>(up.in_features), wide = static_cast<size_t>(up.out_features);
  const size_t mid = static_cast<size_t>(down.in_features), n = static_cast<size_t>(down.out_features);
  const size_t chunk = std::min(rows, kFeedForwardChunkRows);
  float* inter = intermediate.get(chunk * (wide + (gated ? mid : 0)));
  float* down_input = gated ? inter + chunk * wide : inter;
  for (size_t r0 = 0; r0 < rows; r0 += kFeedForwardChunkRows) {
    const size_t count = std::min(kFeedForwardChunkRows, rows - r0);
    if (gated) {
      linear(up, x + r0 * k, count, inter, pool);
      gated_activation(act, inter, count, mid, down_input, pool);
    } else {
      linear_activation(up, x + r0 * k, count, inter, act, pool);
    }
    linear_residual(down, down_input, residual + r0 * n, count, y + r0 * n, pool);
  }
}

// The LayerNorm runs in the GEMM's tasks where they write whole rows (gemm.h).
void fast_linear_residual_norm(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                               const LayerNormParams& norm, ThreadPool* pool) {
  linear_forward(l, x, rows, y, pool, GemmEpilogue::BiasResidual, residual, &norm);
}

void fast_feed_forward(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                       const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                       ScratchBuffer& intermediate, ThreadPool* pool) {
  if (feed_forward_fuses(up, rows, pool)) {
    feed_forward_fused(up, down, act, gated, x, residual, rows, y, norm, pool);
    return;
  }
  chunked_feed_forward(up, down, act, gated, x, residual, rows, y, intermediate, pool, fast_linear,
                       fast_linear_activation, gated_activation, fast_linear_residual);
  if (norm != nullptr)
    layer_norm(y, rows, static_cast<size_t>(down.out_features), norm->gamma, norm->beta, norm->eps, pool);
}

void reference_linear(const PackedLinear& l, const float* x, size_t rows, float* y, ThreadPool*) {
  linear_reference(l, x, rows, y);
}

void reference_linear_shared_input(const PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                                   size_t rows, ThreadPool*) {
  for (size_t i = 0; i < count; ++i) linear_reference(*layers[i], x, rows, ys[i]);
}

void reference_linear_activation(const PackedLinear& l, const float* x, size_t rows, float* y, HiddenActivation act,
                                 ThreadPool*) {
  linear_reference(l, x, rows, y);
  hidden_activation_reference(act, y, rows * static_cast<size_t>(l.out_features));
}

void reference_linear_residual(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                               ThreadPool*) {
  linear_reference(l, x, rows, y);
  const size_t n = rows * static_cast<size_t>(l.out_features);
  for (size_t i = 0; i < n; ++i) y[i] += residual[i];
}

void reference_linear_residual_norm(const PackedLinear& l, const float* x, const float* residual, size_t rows,
                                    float* y, const LayerNormParams& norm, ThreadPool*) {
  reference_linear_residual(l, x, residual, rows, y, nullptr);
  layer_norm_reference(y, rows, static_cast<size_t>(l.out_features), norm.gamma, norm.beta, norm.eps);
}

void reference_attention(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out,
                         ThreadPool*) {
  attention_reference(layout, q, k, v, out);
}

void reference_layer_norm(float* x, size_t rows, size_t width, const float* gamma, const float* beta, float eps,
                          ThreadPool*) {
  layer_norm_reference(x, rows, width, gamma, beta, eps);
}

void reference_disentangled_attention(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                      const float* k, const float* v, float* out, ThreadPool*) {
  disentangled_attention_reference(layout, rel, q, k, v, out);
}

void reference_gated_activation(HiddenActivation act, float* x, size_t rows, size_t width, float* out, ThreadPool*) {
  gated_activation_reference(act, x, rows, width, out);
}

void reference_feed_forward(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                            const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                            ScratchBuffer& intermediate, ThreadPool*) {
  chunked_feed_forward(up, down, act, gated, x, residual, rows, y, intermediate, nullptr, reference_linear,
                       reference_linear_activation, reference_gated_activation, reference_linear_residual);
  if (norm != nullptr)
    layer_norm_reference(y, rows, static_cast<size_t>(down.out_features), norm->gamma, norm->beta, norm->eps);
}

// RoPE is a handful of products per element with no reduction: one implementation serves both sets (the reference
// simply runs it on one thread).
void reference_rotary(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden,
                      ThreadPool*) {
  apply_rotary(table, x, offsets, hidden, nullptr);
}

}  // namespace

const OpsTable kFastOps = {"fast",
                           fast_linear,
                           linear_forward_shared_input,
                           fast_linear_activation,
                           fast_linear_residual,
                           fast_linear_residual_norm,
                           fast_feed_forward,
                           attention_forward,
                           layer_norm,
                           disentangled_attention_forward,
                           gated_activation,
                           apply_rotary,
                           true};

const OpsTable kReferenceOps = {"reference",
                                reference_linear,
                                reference_linear_shared_input,
                                reference_linear_activation,
                                reference_linear_residual,
                                reference_linear_residual_norm,
                                reference_feed_forward,
                                reference_attention,
                                reference_layer_norm,
                                reference_disentangled_attention,
                                reference_gated_activation,
                                reference_rotary,
                                false};

}  // namespace ce
