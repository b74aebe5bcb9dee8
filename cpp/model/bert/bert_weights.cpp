// The BERT spec and weight loading through the shared encoder-classifier loader.
#include "model/bert/bert_weights.h"

#include <algorithm>

#include "model/bert/bert_tensors.h"
#include "model/blocks/encoder_weights_loader.h"

namespace ce {

EncoderClassifierSpec bert_spec(const BertConfig& c) {
  EncoderClassifierSpec s;
  s.embeddings.width = static_cast<size_t>(std::max(c.hidden_size, 0));
  s.embeddings.vocab = static_cast<size_t>(std::max(c.vocab_size, 0));
  s.embeddings.positions = static_cast<size_t>(std::max(c.max_position_embeddings, 0));
  s.embeddings.token_types = static_cast<size_t>(std::max(c.type_vocab_size, 0));
  s.embeddings.position_ids = PositionIds::FromZero;
  s.embeddings.use_token_type_ids = true;
  s.embeddings.layer_norm_eps = c.layer_norm_eps;
  s.encoder.hidden = s.embeddings.width;
  s.encoder.heads = static_cast<size_t>(std::max(c.num_attention_heads, 0));
  s.encoder.intermediate = static_cast<size_t>(std::max(c.intermediate_size, 0));
  s.encoder.layer_norm_eps = c.layer_norm_eps;
  s.encoder.activation = c.hidden_act;
  s.layers = static_cast<size_t>(std::max(c.num_hidden_layers, 0));
  s.num_labels = static_cast<size_t>(std::max(c.num_labels, 0));
  return s;
}

BertWeights load_bert_weights(const SafetensorsCheckpoint& file, const BertConfig& config, ThreadPool* pool,
                              bool embeddings_in_memory, const PrecisionPlan& precision) {
  return load_encoder_classifier_weights(file, bert_spec(config), bert_tensors::names(), HeadActivation::Tanh, pool,
                                         embeddings_in_memory, precision);
}

}  // namespace ce
