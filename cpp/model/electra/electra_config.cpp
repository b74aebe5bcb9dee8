// Parses ELECTRA configs and maps them onto the shared blocks.
#include "model/electra/electra_config.h"

#include "io/json.h"
#include "model/bert/bert_model.h"
#include "model/bert/bert_weights.h"
#include "model/config_fields.h"

namespace ce {

ElectraConfig electra_config_from_json(const Json& j, const std::string& source) {
  const ConfigFields f(j, source);
  ElectraConfig cfg;
  BertConfig& e = cfg.encoder;
  e.architecture = f.architecture({{"ElectraForSequenceClassification", "electra"}});
  e.hidden_act = f.hidden_act();
  f.require_absolute_positions();
  read_encoder_sizes(f, e, {30522, 256, 12, 4, 1024, 512, 2});
  cfg.embedding_size = f.positive_int("embedding_size", 128, 65536);
  e.layer_norm_eps = f.layer_norm_eps(1e-12f);
  f.labels(&e.num_labels, &e.labels);
  e.st_activation_fn = f.st_activation_fn();
  return cfg;
}

EncoderClassifierSpec electra_spec(const ElectraConfig& c) {
  EncoderClassifierSpec s = bert_spec(c.encoder);
  s.embeddings.width = static_cast<size_t>(c.embedding_size);
  return s;
}

EncoderTensorNames electra_tensor_names() {
  EncoderTensorNames n;
  n.base_prefix = "electra.";
  n.head_dense = "classifier.dense";
  n.head_out = "classifier.out_proj";
  n.embeddings_project = "embeddings_project";
  return n;
}

ModelInfo electra_model_info(const ElectraConfig& c) {
  ModelInfo info = bert_model_info(c.encoder);
  info.family = "electra";
  return info;
}

}  // namespace ce
