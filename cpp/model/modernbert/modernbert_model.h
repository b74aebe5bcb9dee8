// ModernBertForSequenceClassification forward pass on a packed batch of variable-length sequences (no padding).
#pragma once

#include "model/modernbert/modernbert_config.h"
#include "model/modernbert/modernbert_weights.h"
#include "model/sequence_classifier.h"

namespace ce {

class ModernBertModel final : public SequenceClassifier {
 public:
  // Checks the config's consistency and every tensor's shape (ce::Error InvalidArgument naming the layer otherwise).
  ModernBertModel(ModernBertConfig config, ModernBertWeights weights);
  ModernBertModel(ModernBertModel&&) noexcept;
  ~ModernBertModel() override;
  const ModernBertConfig& config() const { return config_; }
  std::vector<LinearLayerFormat> linear_layer_formats() const override;

 protected:
  void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const override;

 private:
  ModernBertConfig config_;
  ModernBertWeights weights_;
};

// The model-neutral description of a ModernBERT config (labels, limits, activation name).
ModelInfo modernbert_model_info(const ModernBertConfig& config);

}  // namespace ce
