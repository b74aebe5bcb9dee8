// BertForSequenceClassification weights in memory (Linear layers packed for the GEMM), and their loader.
#pragma once

#include <vector>

#include "kernels/gemm.h"
#include "model/bert/bert_config.h"
#include "model/blocks/classification_head.h"
#include "model/blocks/embedding_table.h"
#include "model/precision.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

struct LayerNormWeights { std::vector<float> gamma, beta; };

struct BertLayerWeights {
  PackedLinear query, key, value, attention_output, intermediate, output;
  LayerNormWeights attention_norm, output_norm;
};

struct BertWeights {
  EmbeddingTable word_embeddings;
  std::vector<float> position_embeddings, token_type_embeddings;  // row-major [n][hidden]
  LayerNormWeights embedding_norm;
  std::vector<BertLayerWeights> layers;
  ClassificationHead head;  // pooler.dense -> tanh -> classifier
};

// Reads every tensor of the table in bert_tensors.h by its HF name (`bert.` prefix optional; legacy LayerNorm
// gamma/beta accepted), validates shapes against `config`, converts to fp32. Throws ce::Error naming the tensor on
// mismatch. With a pool, the layers are converted and packed on its threads; the error reported is the one the
// serial order (embeddings, layers in order, pooler, classifier) would have met first.
// `embeddings_in_memory`: false reads an F32 word-embedding table from the file as needed (see EmbeddingTable);
// true, and any F16/BF16 table, is converted into memory. `precision` gives each Linear layer its weight format
// (by its role in bert_tensors.h; the pooler and classifier are LinearRole::Head).
BertWeights load_bert_weights(const SafetensorsCheckpoint& checkpoint, const BertConfig& config,
                              ThreadPool* pool = nullptr, bool embeddings_in_memory = false,
                              const PrecisionPlan& precision = PrecisionPlan::for_precision(Precision::FP32));

}  // namespace ce
