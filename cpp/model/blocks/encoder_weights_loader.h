// Loads an encoder classifier's tensors by their HF names (the family says which prefix and head names), checks
// every shape against the spec, converts to fp32 and packs the Linear layers.
#pragma once

#include <string>

#include "model/blocks/encoder_classifier.h"
#include "model/precision.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

// A family's tensor names. Base-model tensors (embeddings, encoder, and the names flagged below) are found with
// or without `base_prefix` (XForSequenceClassification saves them under it, a bare XModel does not); head
// tensors outside the base model are top-level only.
struct EncoderTensorNames {
  std::string base_prefix;          // "bert.", "roberta.", "electra."
  std::string head_dense;           // "pooler.dense" (BERT, in the base model), "classifier.dense"
  bool head_dense_in_base = false;  // true: head_dense is a base-model tensor (prefix optional)
  std::string head_out;             // "classifier" (BERT), "classifier.out_proj"
  std::string embeddings_project;   // "embeddings_project" (ELECTRA, in the base model), read when widths differ
};

inline constexpr const char* kWordEmbeddings = "embeddings.word_embeddings.weight";
inline constexpr const char* kPositionEmbeddings = "embeddings.position_embeddings.weight";
inline constexpr const char* kTokenTypeEmbeddings = "embeddings.token_type_embeddings.weight";
inline constexpr const char* kEmbeddingNorm = "embeddings.LayerNorm";

// Reads every tensor (legacy LayerNorm gamma/beta accepted), validates shapes against `spec`, converts to fp32.
// Throws ce::Error naming the tensor (MissingTensor, InvalidSafetensors for a shape mismatch). With a pool, the
// layers are converted and packed on its threads; the error reported is the one the serial order (embeddings,
// layers in order, head) would have met first. `embeddings_in_memory`: false reads an F32 word-embedding table
// from the file as needed (see EmbeddingTable); true, and any F16/BF16 table, is converted into memory.
// `precision` gives each encoder Linear its weight format by its role in encoder_tensors::kLayerTensors; the head
// and ELECTRA's embedding projection are LinearRole::Head.
EncoderClassifierWeights load_encoder_classifier_weights(const SafetensorsCheckpoint& checkpoint,
                                                         const EncoderClassifierSpec& spec,
                                                         const EncoderTensorNames& names, HeadActivation activation,
                                                         ThreadPool* pool, bool embeddings_in_memory,
                                                         const PrecisionPlan& precision);

}  // namespace ce
