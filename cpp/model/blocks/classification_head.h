// The sequence-classification head, a stage of its own after the encoder: one pooled row per sequence ->
// dense -> activation -> (optional LayerNorm) -> output projection -> logits.
#pragma once

#include <cstddef>

#include "kernels/gemm.h"
#include "model/blocks/layer_norm_weights.h"
#include "model/ops.h"

namespace ce {

// BERT: pooler.dense -> tanh -> classifier; (XLM-)RoBERTa: classifier.dense -> tanh -> classifier.out_proj (same
// maths, other names); ELECTRA: classifier.dense -> GELU (erf) -> classifier.out_proj; DeBERTa's ContextPooler:
// pooler.dense -> pooler_hidden_act (GELU-erf by default; tanh form, ReLU, tanh) -> classifier; ModernBERT:
// head.dense -> classifier_activation -> head.norm -> classifier.
enum class HeadActivation { Tanh, GeluErf, GeluTanh, Relu };

struct ClassificationHead {
  PackedLinear dense;  // hidden -> hidden
  HeadActivation activation = HeadActivation::Tanh;
  LayerNormWeights norm;  // after the activation when gamma is not empty (ModernBertPredictionHead)
  float norm_eps = 1e-5f;
  PackedLinear out;    // hidden -> num_labels

  // `pooled`: `rows` rows of dense.in_features; `work`: rows * dense.out_features floats of scratch;
  // writes rows * out.out_features logits.
  void run(const Ops& ops, const float* pooled, size_t rows, float* work, float* logits) const;
};

}  // namespace ce
