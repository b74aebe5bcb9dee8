// BertModel: BERT's config turned into the shared blocks' spec and model info.
#include "model/bert/bert_model.h"

#include <utility>

namespace ce {

ModelInfo bert_model_info(const BertConfig& c) {
  ModelInfo info;
  info.family = "bert";
  info.architecture = c.architecture;
  info.num_labels = c.num_labels;
  info.labels = c.labels;
  info.max_sequence_length = static_cast<size_t>(c.max_position_embeddings);
  info.vocab_size = static_cast<size_t>(c.vocab_size);
  info.type_vocab_size = static_cast<size_t>(c.type_vocab_size);
  info.st_activation_fn = c.st_activation_fn;
  return info;
}

BertModel::BertModel(BertModel&&) noexcept = default;
BertModel::~BertModel() = default;

BertModel::BertModel(BertConfig config, BertWeights weights)
    : EncoderClassifier(bert_model_info(config), bert_spec(config), std::move(weights), "BertModel"),
      config_(std::move(config)) {}

}  // namespace ce
