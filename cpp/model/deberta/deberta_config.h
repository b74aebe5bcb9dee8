// DebertaV2ForSequenceClassification hyper-parameters (DeBERTa-v2/v3) and cross-encoder metadata, from config.json.
#pragma once

#include <string>
#include <vector>

#include "io/json.h"
#include "kernels/activations.h"
#include "model/blocks/classification_head.h"

namespace ce {

struct DebertaConfig {
  std::string architecture;  // "DebertaV2ForSequenceClassification"
  int vocab_size = 0;
  int hidden_size = 0;
  int embedding_size = 0;  // word/position/type embedding width; != hidden_size adds embed_proj
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;             // 0 (DeBERTa-v3): no token-type embeddings, type ids are ignored
  bool position_biased_input = true;   // absolute position embeddings added to the input (false in v3)
  float layer_norm_eps = 1e-7f;
  HiddenActivation hidden_act = HiddenActivation::GeluErf;
  // Relative (disentangled) attention.
  bool relative_attention = false;
  int max_relative_positions = 0;  // resolved: a value < 1 in the file means max_position_embeddings
  int position_buckets = -1;       // > 0: log-bucketed distances, that many per direction
  bool c2p = false, p2c = false;   // pos_att_type
  bool share_att_key = false;      // c2p / p2c reuse key_proj / query_proj instead of pos_key_proj / pos_query_proj
  bool norm_rel_embeddings = false;  // norm_rel_ebd contains "layer_norm"
  HeadActivation pooler_act = HeadActivation::GeluErf;
  int num_labels = 1;
  std::vector<std::string> labels;  // id2label in id order; "LABEL_i" when absent
  std::string st_activation_fn;     // sentence-transformers' activation class name, empty when none

  int head_dim() const { return hidden_size / num_attention_heads; }
  // Rows of rel_embeddings: 2 * (position_buckets if > 0, else max_relative_positions).
  int relative_embedding_rows() const { return 2 * (position_buckets > 0 ? position_buckets : max_relative_positions); }
  // sqrt(head_dim * (1 + number of c2p / p2c terms)): HF counts pos_att_type even without relative attention.
  float attention_scale() const;
};

// Validates config.json (already a JSON object) as transformers' DebertaV2Config reads it, with its defaults.
// Throws InvalidConfig naming a malformed key, UnsupportedArchitecture naming a setting this runtime does not
// implement (conv_kernel_size, pos_att_type entries other than c2p/p2c, attention_head_size != hidden/heads, ...).
DebertaConfig deberta_config_from_json(const Json& config, const std::string& source);

}  // namespace ce
