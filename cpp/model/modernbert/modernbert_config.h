// ModernBertForSequenceClassification hyper-parameters and cross-encoder metadata, parsed from config.json.
#pragma once

#include <string>
#include <vector>

#include "io/json.h"
#include "kernels/activations.h"
#include "model/blocks/classification_head.h"
#include "model/blocks/sequence_pooling.h"

namespace ce {

// Defaults are transformers 5's ModernBertConfig defaults (a config.json may omit any of them).
struct ModernBertConfig {
  std::string architecture = "ModernBertForSequenceClassification";
  int vocab_size = 50368;
  int hidden_size = 768;
  int intermediate_size = 1152;  // the MLP's Wi produces 2x this ([input | gate])
  int num_hidden_layers = 22;
  int num_attention_heads = 12;
  int max_position_embeddings = 8192;  // RoPE has no table: the longest sequence the model accepts
  HiddenActivation hidden_activation = HiddenActivation::GeluErf;
  HeadActivation classifier_activation = HeadActivation::GeluErf;
  float norm_eps = 1e-5f;
  bool norm_bias = false;       // every LayerNorm (embeddings, layers, final, head)
  bool attention_bias = false;  // Wqkv and attn.Wo
  bool mlp_bias = false;        // mlp.Wi and mlp.Wo
  bool classifier_bias = false;  // head.dense (the classifier itself always has a bias)
  SequencePooling classifier_pooling = SequencePooling::First;  // "cls" or "mean"
  // Sliding-window layers attend |i - j| <= local_attention / 2 (transformers' config.sliding_window).
  int local_attention = 128;
  // Per layer: true = full (global) attention, false = sliding window. From `layer_types`, else every
  // `global_attn_every_n_layers`-th layer (0, n, 2n, ...) is global.
  std::vector<bool> global_layers;
  double global_rope_theta = 160000.0;  // rope_parameters.full_attention.rope_theta
  double local_rope_theta = 10000.0;    // rope_parameters.sliding_attention.rope_theta
  int num_labels = 1;
  std::vector<std::string> labels;
  std::string st_activation_fn;

  int head_dim() const { return hidden_size / num_attention_heads; }
  size_t attention_window() const { return static_cast<size_t>(local_attention / 2); }
};

// Validates config.json (already a JSON object): sizes, activations, pooling, layer types, RoPE parameters (only
// the "default" rope_type), biases. Throws ce::Error(InvalidConfig / UnsupportedArchitecture) naming the key.
ModernBertConfig modernbert_config_from_json(const Json& config, const std::string& source_name);

}  // namespace ce
