// DebertaV2ForSequenceClassification weights in memory (Linear layers packed for the GEMM), and their loader.
#pragma once

#include <optional>
#include <vector>

#include "kernels/gemm.h"
#include "model/blocks/classification_head.h"
#include "model/blocks/embedding_table.h"
#include "model/blocks/layer_norm_weights.h"
#include "model/blocks/post_norm_encoder.h"
#include "model/deberta/deberta_config.h"
#include "model/precision.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

// share_att_key false: a layer's own projections of the relative embeddings (pos_key_proj for c2p,
// pos_query_proj for p2c); with share_att_key the layer's key / query projections serve instead.
struct DebertaRelativeProjections {
  std::optional<PackedLinear> pos_key, pos_query;
};

struct DebertaWeights {
  EmbeddingTable word_embeddings;                         // [vocab][embedding_size]
  std::vector<float> position_embeddings;                 // [max_positions][embedding_size] (position_biased_input)
  std::vector<float> token_type_embeddings;               // [type_vocab_size][embedding_size] (when > 0)
  std::optional<PackedLinear> embed_proj;                 // embedding_size -> hidden, no bias
  LayerNormWeights embedding_norm;                        // [hidden]
  // encoder.rel_embeddings [2 * span][hidden], already through encoder.LayerNorm when norm_rel_ebd asks for it
  // (a constant: HF normalises it on every pass). Empty without relative attention.
  std::vector<float> rel_embeddings;
  std::vector<EncoderLayerWeights> layers;               // query_proj/key_proj/value_proj as query/key/value
  std::vector<DebertaRelativeProjections> relative;      // one per layer
  ClassificationHead head;  // pooler.dense -> pooler_hidden_act -> classifier
};

// Reads every tensor `config` implies by its HF name (`deberta.` prefix optional for the encoder; `pooler.` and
// `classifier.` top-level), checks shapes, converts to fp32 and packs the Linear layers (on the pool's threads
// when given). Throws MissingTensor / InvalidSafetensors naming the tensor; with a pool, the error reported is
// the one the serial order would have met first. `embeddings_in_memory` as for BERT (see EmbeddingTable).
// `precision` gives each encoder Linear its weight format by role (pos_key_proj as Key, pos_query_proj as Query);
// embed_proj, the pooler and the classifier are LinearRole::Head.
DebertaWeights load_deberta_weights(const SafetensorsCheckpoint& checkpoint, const DebertaConfig& config,
                                    ThreadPool* pool = nullptr, bool embeddings_in_memory = false,
                                    const PrecisionPlan& precision = PrecisionPlan::for_precision(Precision::FP32));

}  // namespace ce
