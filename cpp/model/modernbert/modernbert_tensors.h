// The tensors of ModernBertForSequenceClassification by their Hugging Face names: the one table the loader, the
// model's shape checks and the tests use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/modernbert/modernbert_config.h"

namespace ce::modernbert_tensors {

// ModernBertForSequenceClassification saves the encoder under `model.` (bare ModernBertModel checkpoints have no
// prefix); head.* and classifier.* are top-level.
inline constexpr const char* kPrefix = "model.";

inline constexpr const char* kTokEmbeddings = "embeddings.tok_embeddings.weight";
inline constexpr const char* kEmbeddingNorm = "embeddings.norm";
inline constexpr const char* kFinalNorm = "final_norm";
inline constexpr const char* kHeadDense = "head.dense";  // top-level
inline constexpr const char* kHeadNorm = "head.norm";    // top-level
inline constexpr const char* kClassifier = "classifier";  // top-level, always with a bias

// "layers.<i>."
std::string layer_prefix(size_t layer);
// Per layer (relative to layer_prefix). Layer 0 has no attn_norm (an Identity in transformers).
inline constexpr const char* kAttnNorm = "attn_norm";
inline constexpr const char* kWqkv = "attn.Wqkv";  // [3 * hidden][hidden]: query, key, value rows in that order
inline constexpr const char* kAttnOut = "attn.Wo";
inline constexpr const char* kMlpNorm = "mlp_norm";
inline constexpr const char* kMlpIn = "mlp.Wi";    // [2 * intermediate][hidden]: input rows, then gate rows
inline constexpr const char* kMlpOut = "mlp.Wo";   // [hidden][intermediate]

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};
// Every tensor the model reads under `config` (biases only where the config's *_bias flags say), with full names
// as ModernBertForSequenceClassification saves them. For fixtures and documentation.
std::vector<TensorSpec> all(const ModernBertConfig& config);

}  // namespace ce::modernbert_tensors
