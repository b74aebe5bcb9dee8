// Parses (XLM-)RoBERTa configs and maps them onto the shared blocks.
#include "model/roberta/roberta_config.h"

#include "io/json.h"
#include "model/bert/bert_weights.h"
#include "model/config_fields.h"

namespace ce {

RobertaConfig roberta_config_from_json(const Json& j, const std::string& source,
                                       const RobertaVariant& variant) {
  const ConfigFields f(j, source);
  RobertaConfig cfg;
  BertConfig& e = cfg.encoder;
  e.architecture = f.architecture({{variant.architecture, variant.model_type}});
  e.hidden_act = f.hidden_act();
  f.require_absolute_positions();
  read_encoder_sizes(f, e, variant.defaults);
  e.layer_norm_eps = f.layer_norm_eps(1e-12f);
  f.labels(&e.num_labels, &e.labels);
  e.st_activation_fn = f.st_activation_fn();
  // transformers' RobertaEmbeddings needs an integer padding_idx (null fails in create_position_ids_...).
  cfg.pad_token_id = f.non_negative_int("pad_token_id", 1, 10'000'000);
  if (cfg.pad_token_id >= e.vocab_size)
    f.invalid("\"pad_token_id\" " + std::to_string(cfg.pad_token_id) + " is not below \"vocab_size\" " +
              std::to_string(e.vocab_size));
  if (e.max_position_embeddings <= cfg.pad_token_id + 1)
    f.invalid("\"max_position_embeddings\" " + std::to_string(e.max_position_embeddings) +
              " leaves no position for a token: RoBERTa positions start at pad_token_id + 1 = " +
              std::to_string(cfg.pad_token_id + 1));
  return cfg;
}

EncoderClassifierSpec roberta_spec(const RobertaConfig& c) {
  EncoderClassifierSpec s = bert_spec(c.encoder);
  s.embeddings.position_ids = PositionIds::AfterPadding;
  s.embeddings.padding_idx = c.pad_token_id;
  s.embeddings.use_token_type_ids = false;
  return s;
}

EncoderTensorNames roberta_tensor_names() {
  EncoderTensorNames n;
  n.base_prefix = "roberta.";
  n.head_dense = "classifier.dense";
  n.head_out = "classifier.out_proj";
  return n;
}

ModelInfo roberta_model_info(const RobertaConfig& c, const char* family) {
  ModelInfo info;
  info.family = family;
  info.architecture = c.encoder.architecture;
  info.num_labels = c.encoder.num_labels;
  info.labels = c.encoder.labels;
  info.max_sequence_length = roberta_spec(c).embeddings.max_sequence_length();
  info.vocab_size = static_cast<size_t>(c.encoder.vocab_size);
  info.type_vocab_size = static_cast<size_t>(c.encoder.type_vocab_size);
  info.uses_token_type_ids = false;
  info.st_activation_fn = c.encoder.st_activation_fn;
  return info;
}

}  // namespace ce
