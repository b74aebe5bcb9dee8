// The tensors of BertForSequenceClassification by their Hugging Face names: the one table the loader, the
// model's shape checks and the tests' fixture writer use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/bert/bert_config.h"
#include "model/blocks/encoder_weights_loader.h"

namespace ce::bert_tensors {

// BertForSequenceClassification saves the encoder under `bert.` (bare BertModel checkpoints have no prefix);
// the classifier is top-level. Names below are without the prefix.
inline constexpr const char* kPrefix = "bert.";
inline constexpr const char* kPooler = "pooler.dense";
inline constexpr const char* kClassifier = "classifier";  // top-level: no `bert.` prefix

// Where the shared loader finds BERT's tensors.
EncoderTensorNames names();

// Every tensor the model reads, with its shape under `config`: full names as BertForSequenceClassification saves
// them (`bert.` prefix except the classifier). For fixtures and documentation.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};
std::vector<TensorSpec> all(const BertConfig& config);

}  // namespace ce::bert_tensors
