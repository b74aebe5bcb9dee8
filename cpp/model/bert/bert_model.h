// BertForSequenceClassification forward pass on a packed batch of variable-length sequences (no padding).
#pragma once

#include "model/bert/bert_config.h"
#include "model/bert/bert_weights.h"
#include "model/sequence_classifier.h"

namespace ce {

class BertModel final : public SequenceClassifier {
 public:
  // Checks every tensor's shape against `config` (ce::Error InvalidArgument naming the layer otherwise).
  BertModel(BertConfig config, BertWeights weights);
  BertModel(BertModel&&) noexcept;
  ~BertModel() override;
  const BertConfig& config() const { return config_; }

 protected:
  void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const override;

 private:
  BertConfig config_;
  BertWeights weights_;
};

// The model-neutral description of a BERT config (labels, limits, activation name).
ModelInfo bert_model_info(const BertConfig& config);

}  // namespace ce
