// The fast and reference op tables.
#include "model/ops.h"

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

void reference_linear(const PackedLinear& l, const float* x, size_t rows, float* y, ThreadPool*) {
  linear_reference(l, x, rows, y);
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

// RoPE is a handful of products per element with no reduction: one implementation serves both sets (the reference
// simply runs it on one thread).
void reference_rotary(const RotaryTable& table, float* x, const std::vector<int32_t>& offsets, size_t hidden,
                      ThreadPool*) {
  apply_rotary(table, x, offsets, hidden, nullptr);
}

}  // namespace

const OpsTable kFastOps = {"fast",          fast_linear,      fast_linear_activation, fast_linear_residual,
                           attention_forward, layer_norm,     disentangled_attention_forward, gated_activation,
                           apply_rotary,      true};

const OpsTable kReferenceOps = {"reference",         reference_linear,     reference_linear_activation,
                                reference_linear_residual, reference_attention, reference_layer_norm,
                                reference_disentangled_attention, reference_gated_activation, reference_rotary, false};

}  // namespace ce
