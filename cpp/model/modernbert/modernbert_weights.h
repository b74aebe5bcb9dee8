// ModernBertForSequenceClassification weights in memory (Linear layers packed for the GEMM), and their loader.
#pragma once

#include <vector>

#include "kernels/gemm.h"
#include "model/blocks/classification_head.h"
#include "model/blocks/embedding_table.h"
#include "model/blocks/layer_norm_weights.h"
#include "model/modernbert/modernbert_config.h"
#include "model/precision.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

struct ModernBertLayerWeights {
  LayerNormWeights attn_norm;  // empty in layer 0 (transformers' nn.Identity)
  // attn.Wqkv split by rows into its three [hidden][hidden] blocks: the same per-output dot products as the
  // fused layer, and queries can then be computed for a subset of rows.
  PackedLinear query, key, value;
  PackedLinear attn_out;  // attn.Wo
  LayerNormWeights mlp_norm;
  PackedLinear mlp_in;   // mlp.Wi: [2 * intermediate][hidden]
  PackedLinear mlp_out;  // mlp.Wo
  bool bf16_attention = false;  // attention's matmuls in bf16 (the precision plan's attention format)
};

struct ModernBertWeights {
  EmbeddingTable tok_embeddings;
  LayerNormWeights embedding_norm;
  std::vector<ModernBertLayerWeights> layers;
  LayerNormWeights final_norm;
  ClassificationHead head;  // head.dense -> act -> head.norm -> classifier
};

// Reads every tensor of modernbert_tensors.h by its HF name (`model.` prefix optional for the encoder), validates
// shapes against `config`, converts to fp32; a bias the config turns off is zeros (an extra stored one is ignored,
// as transformers ignores unexpected keys). Throws ce::Error (MissingTensor, ShapeMismatch...) naming the tensor.
// With a pool, layers are read and packed on its threads; the error reported is the first in the serial order.
// `precision` gives each Linear its weight format by role: Wqkv's thirds Query / Key / Value, attn.Wo
// AttentionOutput, mlp.Wi (GeGLU input and gate) Intermediate, mlp.Wo Output, head.dense and classifier Head.
ModernBertWeights load_modernbert_weights(const SafetensorsCheckpoint& checkpoint, const ModernBertConfig& config,
                                          ThreadPool* pool = nullptr, bool embeddings_in_memory = false,
                                          const PrecisionPlan& precision =
                                              PrecisionPlan::for_precision(Precision::FP32));

}  // namespace ce
