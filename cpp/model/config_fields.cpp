// The shared config.json field readers: one wording for every family's errors.
#include "model/config_fields.h"

#include <cmath>

#include "common/error.h"
#include "io/untrusted_json.h"

namespace ce {

void ConfigFields::invalid(const std::string& what) const {
  throw Error(ErrorCode::InvalidConfig, source_ + ": " + what);
}

void ConfigFields::unsupported(const std::string& what) const {
  throw Error(ErrorCode::UnsupportedArchitecture, source_ + ": " + what);
}

int ConfigFields::positive_int(const char* key, int64_t default_value, int64_t max) const {
  auto it = j_.find(key);
  if (it == j_.end()) return static_cast<int>(default_value);
  if (!it->is_number_integer()) invalid(std::string("\"") + key + "\" must be an integer, got " + describe_json(*it));
  // Compare unsigned values as unsigned: reading one above INT64_MAX as int64 would wrap negative.
  const bool too_big = it->is_number_unsigned() ? it->get<uint64_t>() > static_cast<uint64_t>(max)
                                                : it->get<int64_t>() > max;
  if (too_big)
    invalid(std::string("\"") + key + "\" = " + describe_json(*it) + " exceeds the limit " + std::to_string(max));
  const int64_t v = it->get<int64_t>();
  if (v <= 0) invalid(std::string("\"") + key + "\" must be positive, got " + describe_json(*it));
  return static_cast<int>(v);
}

int ConfigFields::non_negative_int(const char* key, int64_t default_value, int64_t max) const {
  auto it = j_.find(key);
  if (it == j_.end()) return static_cast<int>(default_value);
  if (!it->is_number_integer()) invalid(std::string("\"") + key + "\" must be an integer, got " + describe_json(*it));
  const bool too_big = it->is_number_unsigned() ? it->get<uint64_t>() > static_cast<uint64_t>(max)
                                                : it->get<int64_t>() > max;
  if (too_big)
    invalid(std::string("\"") + key + "\" = " + describe_json(*it) + " exceeds the limit " + std::to_string(max));
  const int64_t v = it->get<int64_t>();
  if (v < 0) invalid(std::string("\"") + key + "\" must not be negative, got " + describe_json(*it));
  return static_cast<int>(v);
}

std::string ConfigFields::optional_string(const char* key, bool* present) const {
  auto it = j_.find(key);
  *present = it != j_.end() && !it->is_null();
  if (!*present) return {};
  if (!it->is_string()) invalid(std::string("\"") + key + "\" must be a string, got " + describe_json(*it));
  return it->get<std::string>();
}

HiddenActivation ConfigFields::hidden_act() const {
  bool present = false;
  std::string act = optional_string("hidden_act", &present);
  if (!present) act = "gelu";  // transformers' default in every BERT-shaped config
  if (act == "gelu") return HiddenActivation::GeluErf;
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") return HiddenActivation::GeluTanh;
  if (act == "relu") return HiddenActivation::Relu;
  unsupported("hidden_act " + bounded_quote(act, '"') +
              " is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
}

void ConfigFields::require_absolute_positions() const {
  bool present = false;
  const std::string pos = optional_string("position_embedding_type", &present);
  // Checkpoints trained with relative_key(_query) need position terms inside attention: running them with
  // absolute positions (as transformers 5 silently does) would be a wrong answer, not a degraded one.
  if (present && pos != "absolute")
    unsupported("position_embedding_type " + bounded_quote(pos, '"') + " is not supported; supported: absolute");
}

float ConfigFields::layer_norm_eps(float default_value) const {
  auto it = j_.find("layer_norm_eps");
  if (it == j_.end()) return default_value;
  if (!it->is_number()) invalid("\"layer_norm_eps\" must be a number, got " + describe_json(*it));
  const double eps = it->get<double>();
  // Must stay positive after narrowing to float, or the LayerNorm could divide by zero.
  if (!(eps > 0) || !std::isfinite(eps) || !(static_cast<float>(eps) > 0) || eps >= 1.0)
    invalid("\"layer_norm_eps\" must be a small positive number, got " + describe_json(*it));
  return static_cast<float>(eps);
}

void ConfigFields::labels(int* num_labels, std::vector<std::string>* labels) const {
  constexpr int64_t kMaxLabels = 1 << 20;
  auto it = j_.find("id2label");
  if (it != j_.end() && !it->is_null()) {
    if (!it->is_object()) invalid("\"id2label\" must be an object, got " + describe_json(*it));
    if (it->empty()) invalid("\"id2label\" is empty");
    if (static_cast<int64_t>(it->size()) > kMaxLabels) invalid("\"id2label\" has too many entries");
    const size_t n = it->size();
    std::vector<std::string> names(n);
    std::vector<bool> filled(n, false);
    for (auto e = it->begin(); e != it->end(); ++e) {
      const std::string& key = e.key();
      // Canonical decimal only ("0", "12"; not "01", "+1", " 1"), so each id maps to exactly one key.
      bool ok = !key.empty() && key.size() <= 9 && (key == "0" || key[0] != '0');
      for (char c : key) ok = ok && c >= '0' && c <= '9';
      const size_t id = ok ? std::stoul(key) : n;
      if (id >= n) invalid("\"id2label\" key " + bounded_quote(key, '"') + " is not an id in 0.." + std::to_string(n - 1));
      if (!e.value().is_string())
        invalid("\"id2label\"[\"" + key + "\"] must be a string, got " + describe_json(e.value()));
      names[id] = e.value().get<std::string>();
      filled[id] = true;
    }
    // n keys, each a distinct id below n, cover every id; the check guards the reasoning anyway.
    for (size_t i = 0; i < n; ++i)
      if (!filled[i]) invalid("\"id2label\" has no entry for id " + std::to_string(i));
    *num_labels = static_cast<int>(n);
    *labels = std::move(names);
    return;
  }
  // transformers' PretrainedConfig defaults to 2 labels, and save_pretrained omits id2label / num_labels when they
  // are that default: a 2-label classifier saved that way must load as 2 labels, not fail on its head's shape.
  *num_labels = positive_int("num_labels", 2, kMaxLabels);
  labels->clear();
  for (int i = 0; i < *num_labels; ++i) labels->push_back("LABEL_" + std::to_string(i));
}

// sentence-transformers >= 4 stores {"sentence_transformers": {"activation_fn": ...}}; older releases
// stored "sbert_ce_default_activation_function". The newer key wins when both are present.
std::string ConfigFields::st_activation_fn() const {
  auto st = j_.find("sentence_transformers");
  if (st != j_.end() && !st->is_null()) {
    if (!st->is_object()) invalid("\"sentence_transformers\" must be an object, got " + describe_json(*st));
    auto fn = st->find("activation_fn");
    if (fn != st->end() && !fn->is_null()) {
      if (!fn->is_string())
        invalid("\"sentence_transformers.activation_fn\" must be a string, got " + describe_json(*fn));
      return fn->get<std::string>();
    }
  }
  bool present = false;
  return optional_string("sbert_ce_default_activation_function", &present);
}

std::string ConfigFields::architecture(const std::vector<std::pair<std::string, std::string>>& supported) const {
  std::string names;
  for (const auto& [arch, type] : supported) names += (names.empty() ? "" : ", ") + arch;
  auto it = j_.find("architectures");
  if (it != j_.end() && !it->is_null()) {
    if (!it->is_array()) invalid("\"architectures\" must be an array of strings, got " + describe_json(*it));
    for (const auto& a : *it) {
      if (!a.is_string()) invalid("\"architectures\" must be an array of strings, got " + describe_json(*it));
      for (const auto& [arch, type] : supported)
        if (a.get<std::string>() == arch) return arch;
    }
    unsupported("none of \"architectures\" is supported by this family; supported: " + names);
  }
  bool present = false;
  const std::string model_type = optional_string("model_type", &present);
  if (!present) invalid("missing \"model_type\" (expected the model type of one of: " + names + ")");
  for (const auto& [arch, type] : supported)
    if (model_type == type) return arch;
  unsupported("model_type " + bounded_quote(model_type, '"') + " is not supported by this family; supported: " +
              names);
}

}  // namespace ce
