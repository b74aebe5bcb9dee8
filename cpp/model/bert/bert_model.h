// BertForSequenceClassification: the shared encoder classifier with BERT's spec (positions from 0, token types,
// pooler head).
#pragma once

#include "model/bert/bert_config.h"
#include "model/bert/bert_weights.h"
#include "model/blocks/encoder_classifier.h"

namespace ce {

class BertModel final : public EncoderClassifier {
 public:
  // Checks every tensor's shape against `config` (ce::Error InvalidArgument naming the layer otherwise).
  BertModel(BertConfig config, BertWeights weights);
  BertModel(BertModel&&) noexcept;
  ~BertModel() override;
  const BertConfig& config() const { return config_; }

 private:
  BertConfig config_;
};

// The model-neutral description of a BERT config (labels, limits, activation name).
ModelInfo bert_model_info(const BertConfig& config);

}  // namespace ce
