// A sequence classifier assembled from the shared blocks: embeddings -> post-norm encoder -> classification head
// on the first token. BERT, RoBERTa, XLM-R and ELECTRA differ only in the spec and the tensor names their family
// folder chooses from config.json.
#pragma once

#include <vector>

#include "model/blocks/classification_head.h"
#include "model/blocks/embeddings.h"
#include "model/blocks/post_norm_encoder.h"
#include "model/sequence_classifier.h"

namespace ce {

struct EncoderClassifierSpec {
  EmbeddingsShape embeddings;
  EncoderShape encoder;
  size_t layers = 0;
  size_t num_labels = 1;
};

struct EncoderClassifierWeights {
  EmbeddingsWeights embeddings;
  std::vector<EncoderLayerWeights> layers;
  ClassificationHead head;
};

class EncoderClassifier : public SequenceClassifier {
 public:
  // Checks every table's and layer's shape against `spec` (ce::Error InvalidArgument naming it otherwise);
  // `info.max_sequence_length` must not exceed what the position table allows. `model` names the class in errors.
  EncoderClassifier(ModelInfo info, EncoderClassifierSpec spec, EncoderClassifierWeights weights, const char* model);
  EncoderClassifier(EncoderClassifier&&) noexcept;
  ~EncoderClassifier() override;
  const EncoderClassifierSpec& spec() const { return spec_; }
  std::vector<LinearLayerFormat> linear_layer_formats() const override;

 protected:
  void run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const override;

 private:
  EncoderClassifierSpec spec_;
  EncoderClassifierWeights weights_;
};

}  // namespace ce
