// DebertaV2ForSequenceClassification weights in memory (Linear layers packed for the GEMM), and their loader.
#pragma once

#include <optional>
#include <vector>

#include "kernels/gemm.h"
#include "model/blocks/classification_head.h"
#include "model/blocks/embedding_table.h"
#include "model/deberta/deberta_config.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

struct DebertaNorm { std::vector<float> gamma, beta; };

struct DebertaLayerWeights {
  PackedLinear query, key, value;
  // Separate relative-position projections (share_att_key false): pos_key_proj for c2p, pos_query_proj for p2c.
  std::optional<PackedLinear> pos_key, pos_query;
  PackedLinear attention_output, intermediate, output;
  DebertaNorm attention_norm, output_norm;
};

struct DebertaWeights {
  EmbeddingTable word_embeddings;                         // [vocab][embedding_size]
  std::vector<float> position_embeddings;                 // [max_positions][embedding_size] (position_biased_input)
  std::vector<float> token_type_embeddings;               // [type_vocab_size][embedding_size] (when > 0)
  std::optional<PackedLinear> embed_proj;                 // embedding_size -> hidden, no bias
  DebertaNorm embedding_norm;                             // [hidden]
  // encoder.rel_embeddings [2 * span][hidden], already through encoder.LayerNorm when norm_rel_ebd asks for it
  // (a constant: HF normalises it on every pass). Empty without relative attention.
  std::vector<float> rel_embeddings;
  std::vector<DebertaLayerWeights> layers;
  ClassificationHead head;  // pooler.dense -> pooler_hidden_act -> classifier
};

// Reads every tensor `config` implies by its HF name (`deberta.` prefix optional for the encoder; `pooler.` and
// `classifier.` top-level), checks shapes, converts to fp32 and packs the Linear layers (on the pool's threads
// when given). Throws MissingTensor / InvalidSafetensors naming the tensor; with a pool, the error reported is
// the one the serial order would have met first. `embeddings_in_memory` as for BERT (see EmbeddingTable).
DebertaWeights load_deberta_weights(const SafetensorsCheckpoint& checkpoint, const DebertaConfig& config,
                                    ThreadPool* pool = nullptr, bool embeddings_in_memory = false);

}  // namespace ce
