// The encoder classifier's shape checks and its forward pass: embed, encode, classify the first tokens.
#include "model/blocks/encoder_classifier.h"

#include <string>
#include <utility>

#include "common/error.h"
#include "model/blocks/scratch_slots.h"

namespace ce {

EncoderClassifier::EncoderClassifier(EncoderClassifier&&) noexcept = default;
EncoderClassifier::~EncoderClassifier() = default;

EncoderClassifier::EncoderClassifier(ModelInfo info, EncoderClassifierSpec spec, EncoderClassifierWeights weights,
                                     const char* model)
    : SequenceClassifier(std::move(info)), spec_(std::move(spec)), weights_(std::move(weights)) {
  const size_t h = spec_.encoder.hidden;
  check_encoder_layers(spec_.encoder, weights_.layers, spec_.layers, model);
  check_embeddings(spec_.embeddings, weights_.embeddings, h, model);
  if (this->info().max_sequence_length > spec_.embeddings.max_sequence_length() ||
      this->info().vocab_size != spec_.embeddings.vocab)
    throw Error(ErrorCode::InvalidArgument, std::string(model) + ": the model accepts " +
                                                std::to_string(this->info().max_sequence_length) +
                                                " tokens but its position table allows " +
                                                std::to_string(spec_.embeddings.max_sequence_length()) +
                                                " (or the vocabulary sizes disagree)");
  check_linear(weights_.head.dense, static_cast<int64_t>(h), static_cast<int64_t>(h), "classifier dense", model);
  check_linear(weights_.head.out, static_cast<int64_t>(spec_.num_labels), static_cast<int64_t>(h),
               "classifier output", model);
}

void EncoderClassifier::run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const {
  const size_t seqs = batch.num_sequences(), h = spec_.encoder.hidden;
  embed(ops, spec_.embeddings, weights_.embeddings, batch, h, scratch);
  const float* first = run_post_norm_encoder(ops, spec_.encoder, weights_.layers, batch.seq_offsets, scratch);
  weights_.head.run(ops, first, seqs, scratch.slot(scratch_slots::kPooled).get(seqs * h), logits);
}

std::vector<LinearLayerFormat> EncoderClassifier::linear_layer_formats() const {
  std::vector<LinearLayerFormat> out;
  if (weights_.embeddings.projection)
    out.push_back(linear_layer_format("embeddings_project", LinearRole::Head, *weights_.embeddings.projection));
  for (size_t i = 0; i < weights_.layers.size(); ++i) {
    for (const encoder_tensors::LayerTensorSpec& t : encoder_tensors::kLayerTensors)
      if (t.linear != nullptr)
        out.push_back(
            linear_layer_format(encoder_tensors::layer_prefix(i) + t.name, t.role, weights_.layers[i].*t.linear));
  }
  out.push_back(linear_layer_format("head.dense", LinearRole::Head, weights_.head.dense));
  out.push_back(linear_layer_format("head.out", LinearRole::Head, weights_.head.out));
  return out;
}

}  // namespace ce
