// Typed readers for the config.json fields every BERT-shaped family shares (sizes, activation, LayerNorm eps,
// labels, sentence-transformers activation), each rejecting a bad value with InvalidConfig naming the key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/json.h"
#include "kernels/activations.h"

namespace ce {

class ConfigFields {
 public:
  ConfigFields(const Json& config, const std::string& source) : j_(config), source_(source) {}

  [[noreturn]] void invalid(const std::string& what) const;
  [[noreturn]] void unsupported(const std::string& what) const;

  // An integer key in [1, max]; absent keys take the family's transformers default, so that a config accepted by
  // Python is accepted here too. Caps keep a hostile config from requesting absurd allocations.
  int positive_int(const char* key, int64_t default_value, int64_t max) const;
  // An integer key in [0, max]; absent takes the default.
  int non_negative_int(const char* key, int64_t default_value, int64_t max) const;
  // A string key; `present` tells absent (or null, which transformers treats like unset) from given.
  std::string optional_string(const char* key, bool* present) const;

  // "hidden_act" (absent: "gelu").
  HiddenActivation hidden_act() const;
  // "position_embedding_type": absent, null or "absolute"; anything else is UnsupportedArchitecture.
  void require_absolute_positions() const;
  // "layer_norm_eps" (absent: `default_value`), positive and finite after narrowing to float.
  float layer_norm_eps(float default_value) const;
  // id2label (keys "0".."n-1"), else "num_labels", else one label named LABEL_0.
  void labels(int* num_labels, std::vector<std::string>* labels) const;
  // sentence-transformers' activation class name (`sentence_transformers.activation_fn`, else the legacy
  // `sbert_ce_default_activation_function`); empty when neither is present.
  std::string st_activation_fn() const;

  // The architecture this family runs the config as: the first `architectures` entry among `(architecture,
  // model_type)` pairs, else (no `architectures`) the one of `model_type`. The registry chose the family by the
  // same rule, so a miss here is a config the registry did not route to this family: UnsupportedArchitecture.
  std::string architecture(const std::vector<std::pair<std::string, std::string>>& supported) const;

 private:
  const Json& j_;
  const std::string& source_;
};

}  // namespace ce
