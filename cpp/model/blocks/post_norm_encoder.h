// The post-norm transformer encoder of BERT, RoBERTa, XLM-R, ELECTRA and DeBERTa (with its attention variant): per
// layer, self-attention with biases
// -> output dense + residual -> LayerNorm -> feed-forward (dense, activation, dense) + residual -> LayerNorm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/activations.h"
#include "kernels/gemm.h"
#include "model/blocks/layer_norm_weights.h"
#include "model/forward_scratch.h"
#include "model/ops.h"
#include "model/precision.h"

namespace ce {

struct EncoderLayerWeights {
  PackedLinear query, key, value, attention_output, intermediate, output;
  LayerNormWeights attention_norm, output_norm;
  // Scaled dot-product attention's matmuls in bf16 (the precision plan's attention format, set by the loader).
  bool bf16_attention = false;
};

struct EncoderShape {
  size_t hidden = 0, heads = 0, intermediate = 0;
  float layer_norm_eps = 1e-12f;
  HiddenActivation activation = HiddenActivation::GeluErf;
};

// A layer's tensors by their HF names under "encoder.layer.<i>.", in the order a loader reads them (so the first
// bad tensor is the one reported): Linear layers (`.weight` [out][in], `.bias` [out]) fill `linear`; LayerNorms
// (`.weight`/`.bias`, legacy `.gamma`/`.beta`, [hidden]) fill `norm`. The same names in every family here.
namespace encoder_tensors {
enum class Width { Hidden, Intermediate };
struct LayerTensorSpec {
  const char* name;
  PackedLinear EncoderLayerWeights::*linear;
  LayerNormWeights EncoderLayerWeights::*norm;
  Width out, in;
  LinearRole role = LinearRole::Head;  // Linear layers only: picks the weight format under a precision
};
inline constexpr LayerTensorSpec kLayerTensors[] = {
    {"attention.self.query", &EncoderLayerWeights::query, nullptr, Width::Hidden, Width::Hidden, LinearRole::Query},
    {"attention.self.key", &EncoderLayerWeights::key, nullptr, Width::Hidden, Width::Hidden, LinearRole::Key},
    {"attention.self.value", &EncoderLayerWeights::value, nullptr, Width::Hidden, Width::Hidden, LinearRole::Value},
    {"attention.output.dense", &EncoderLayerWeights::attention_output, nullptr, Width::Hidden, Width::Hidden,
     LinearRole::AttentionOutput},
    {"attention.output.LayerNorm", nullptr, &EncoderLayerWeights::attention_norm, Width::Hidden, Width::Hidden},
    {"intermediate.dense", &EncoderLayerWeights::intermediate, nullptr, Width::Intermediate, Width::Hidden,
     LinearRole::Intermediate},
    {"output.dense", &EncoderLayerWeights::output, nullptr, Width::Hidden, Width::Intermediate, LinearRole::Output},
    {"output.LayerNorm", nullptr, &EncoderLayerWeights::output_norm, Width::Hidden, Width::Hidden},
};
inline int64_t size_of(Width w, const EncoderShape& s) {
  return static_cast<int64_t>(w == Width::Hidden ? s.hidden : s.intermediate);
}
// "encoder.layer.<i>."
std::string layer_prefix(size_t layer);
}  // namespace encoder_tensors

// Throws InvalidArgument naming the layer and tensor whose size disagrees with `shape`.
void check_encoder_layers(const EncoderShape& shape, const std::vector<EncoderLayerWeights>& layers,
                          size_t expected_layers, const char* model);
// Throws InvalidArgument unless `l` is a packed out x in layer with a bias.
void check_linear(const PackedLinear& l, int64_t out, int64_t in, const std::string& name, const char* model);

// A self-attention other than scaled dot-product over the layer's projected queries, keys and values (DeBERTa's
// disentangled attention): writes the context rows of `layout`'s query rows. Called once per layer with that
// layer's index and weights, so it may read weights of its own per layer.
class AttentionVariant {
 public:
  virtual ~AttentionVariant() = default;
  virtual void attend(const Ops& ops, size_t layer, const EncoderLayerWeights& weights, const AttentionLayout& layout,
                      const float* q, const float* k, const float* v, float* ctx, ForwardScratch& scratch) const = 0;
};

// Runs every layer over the hidden states in scratch slot kHs (`offsets`: the batch's sequences) and returns
// each sequence's first-token row of the last layer's output ([sequences][hidden]). Where the op set allows,
// the last layer computes queries, attention output and feed-forward for those rows alone. `attention` null:
// scaled dot-product attention (ops.attention).
const float* run_post_norm_encoder(const Ops& ops, const EncoderShape& shape,
                                   const std::vector<EncoderLayerWeights>& layers,
                                   const std::vector<int32_t>& offsets, ForwardScratch& scratch,
                                   const AttentionVariant* attention = nullptr);

}  // namespace ce
