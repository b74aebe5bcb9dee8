// BertForSequenceClassification hyper-parameters and cross-encoder metadata, parsed from config.json.
#pragma once

#include <string>
#include <vector>

#include "io/json.h"
#include "kernels/activations.h"

namespace ce {

// The hyper-parameters of a BERT-shaped encoder (BERT, RoBERTa, XLM-R and ELECTRA share them), with the
// cross-encoder metadata.
struct BertConfig {
  std::string architecture;  // "BertForSequenceClassification"
  int vocab_size = 0;
  int hidden_size = 0;
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;
  HiddenActivation hidden_act = HiddenActivation::GeluErf;
  int num_labels = 1;
  std::vector<std::string> labels;  // id2label in id order; "LABEL_i" when absent
  // sentence-transformers' activation class name from `sentence_transformers.activation_fn` or the legacy
  // `sbert_ce_default_activation_function`; empty when neither is present.
  std::string st_activation_fn;
};

class ConfigFields;

// transformers' defaults of a config class for absent size keys (BertConfig: 30522, 768, 12, 12, 3072, 512, 2).
struct EncoderSizeDefaults {
  int vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, max_position_embeddings,
      type_vocab_size;
};
// Reads the size keys every BERT-shaped config has (RoBERTa, XLM-R and ELECTRA reuse BertConfig for them) and
// checks hidden_size % num_attention_heads == 0; InvalidConfig naming the key otherwise.
void read_encoder_sizes(const ConfigFields& fields, BertConfig& config, const EncoderSizeDefaults& defaults);

// Parses and validates config.json text (positive sizes, hidden % heads == 0, model_type "bert",
// position_embedding_type "absolute", architecture BertForSequenceClassification).
// Throws ce::Error(InvalidConfig) or ce::Error(UnsupportedArchitecture) naming the offending key/value.
BertConfig parse_bert_config(const std::string& json_text, const std::string& source_name);
// The same for a document already parsed as a JSON object (the family registry parses config.json once).
BertConfig bert_config_from_json(const Json& config, const std::string& source_name);

}  // namespace ce
