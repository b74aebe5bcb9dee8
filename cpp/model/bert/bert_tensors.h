// The tensors of BertForSequenceClassification by their Hugging Face names: the one table the loader, the
// model's shape checks and the tests' fixture writer use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/bert/bert_weights.h"
#include "model/precision.h"

namespace ce::bert_tensors {

// BertForSequenceClassification saves the encoder under `bert.` (bare BertModel checkpoints have no prefix);
// the classifier is top-level. Names below are without the prefix.
inline constexpr const char* kPrefix = "bert.";

// A dimension of the config a tensor's shape is made of.
enum class Dim { Hidden, Intermediate, Labels, Vocab, Positions, TokenTypes };
int64_t size_of(Dim dim, const BertConfig& config);

inline constexpr const char* kWordEmbeddings = "embeddings.word_embeddings.weight";
inline constexpr const char* kPositionEmbeddings = "embeddings.position_embeddings.weight";
inline constexpr const char* kTokenTypeEmbeddings = "embeddings.token_type_embeddings.weight";
inline constexpr const char* kEmbeddingNorm = "embeddings.LayerNorm";
inline constexpr const char* kPooler = "pooler.dense";
inline constexpr const char* kClassifier = "classifier";  // top-level: no `bert.` prefix

// "encoder.layer.<i>."
std::string layer_prefix(size_t layer);

// Per encoder layer, in the order the loader reads them (so the first bad tensor is the one reported): Linear
// layers (`.weight` [out][in], `.bias` [out]) fill `linear`; LayerNorms (`.weight`/`.bias`, legacy
// `.gamma`/`.beta`, [hidden]) fill `norm`. `role` picks a Linear layer's weight format under a precision.
struct LayerTensorSpec {
  const char* name;
  PackedLinear BertLayerWeights::*linear;
  LayerNormWeights BertLayerWeights::*norm;
  Dim out, in;
  LinearRole role = LinearRole::Head;  // Linear layers only
};
inline constexpr LayerTensorSpec kLayerTensors[] = {
    {"attention.self.query", &BertLayerWeights::query, nullptr, Dim::Hidden, Dim::Hidden, LinearRole::Query},
    {"attention.self.key", &BertLayerWeights::key, nullptr, Dim::Hidden, Dim::Hidden, LinearRole::Key},
    {"attention.self.value", &BertLayerWeights::value, nullptr, Dim::Hidden, Dim::Hidden, LinearRole::Value},
    {"attention.output.dense", &BertLayerWeights::attention_output, nullptr, Dim::Hidden, Dim::Hidden,
     LinearRole::AttentionOutput},
    {"attention.output.LayerNorm", nullptr, &BertLayerWeights::attention_norm, Dim::Hidden, Dim::Hidden},
    {"intermediate.dense", &BertLayerWeights::intermediate, nullptr, Dim::Intermediate, Dim::Hidden,
     LinearRole::Intermediate},
    {"output.dense", &BertLayerWeights::output, nullptr, Dim::Hidden, Dim::Intermediate, LinearRole::Output},
    {"output.LayerNorm", nullptr, &BertLayerWeights::output_norm, Dim::Hidden, Dim::Hidden},
};

// Every tensor the model reads, with its shape under `config`: full names as BertForSequenceClassification saves
// them (`bert.` prefix except the classifier). For fixtures and documentation.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};
std::vector<TensorSpec> all(const BertConfig& config);

}  // namespace ce::bert_tensors
