// DebertaV2ForSequenceClassification (DeBERTa-v2/v3) forward pass on a packed batch of variable-length sequences.
#pragma once

#include "model/deberta/deberta_config.h"
#include "model/deberta/deberta_weights.h"
#include "model/deberta/disentangled_attention_variant.h"
#include "model/deberta/relative_positions.h"
#include "model/sequence_classifier.h"

namespace ce {

class DebertaModel final : public SequenceClassifier {
 public:
  // Checks every tensor's size against `config` (ce::Error InvalidArgument naming it otherwise).
  DebertaModel(DebertaConfig config, DebertaWeights weights);
  // Not movable: the attention variant refers to this object's members.
  DebertaModel(DebertaModel&&) = delete;
  ~DebertaModel() override;
  const DebertaConfig& config() const { return config_; }
  std::vector<LinearLayerFormat> linear_layer_formats() const override;

 protected:
  void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const override;

 private:
  DebertaConfig config_;
  DebertaWeights weights_;
  RelativePositionIndex positions_;  // empty without relative attention
  EncoderShape shape_;
  DisentangledAttentionVariant attention_;  // refers to the members above
};

// The model-neutral description of a DeBERTa config (labels, limits, activation name).
ModelInfo deberta_model_info(const DebertaConfig& config);

}  // namespace ce
