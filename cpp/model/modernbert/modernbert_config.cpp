// Parses config.json into a ModernBertConfig, rejecting anything the ModernBERT runtime cannot run faithfully.
#include "model/modernbert/modernbert_config.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/untrusted_json.h"

namespace ce {

namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(const json& j, const std::string& source) : j_(j), source_(source) {}

  [[noreturn]] void invalid(const std::string& what) const { throw Error(ErrorCode::InvalidConfig, source_ + ": " + what); }
  [[noreturn]] void unsupported(const std::string& what) const {
    throw Error(ErrorCode::UnsupportedArchitecture, source_ + ": " + what);
  }

  // The value of `key`, or null when absent (transformers treats null like unset).
  const json* find(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }

  // An integer in [min, max]; absent takes transformers' default. Caps keep a hostile config from asking for
  // absurd allocations.
  int integer(const char* key, int64_t default_value, int64_t min, int64_t max) const {
    const json* v = find(j_, key);
    if (v == nullptr) return static_cast<int>(default_value);
    if (!v->is_number_integer()) invalid(std::string("\"") + key + "\" must be an integer, got " + describe_json(*v));
    // nlohmann stores non-negative literals as unsigned: compare those as unsigned (one above INT64_MAX would wrap).
    const bool outside = v->is_number_unsigned()
                             ? v->get<uint64_t>() > static_cast<uint64_t>(max) ||
                                   v->get<uint64_t>() < static_cast<uint64_t>(std::max<int64_t>(min, 0))
                             : v->get<int64_t>() > max || v->get<int64_t>() < min;
    if (outside)
      invalid(std::string("\"") + key + "\" = " + describe_json(*v) + " is outside [" + std::to_string(min) + ", " +
              std::to_string(max) + "]");
    return static_cast<int>(v->get<int64_t>());
  }

  bool boolean(const char* key, bool default_value) const {
    const json* v = find(j_, key);
    if (v == nullptr) return default_value;
    if (!v->is_boolean()) invalid(std::string("\"") + key + "\" must be true or false, got " + describe_json(*v));
    return v->get<bool>();
  }

  std::string string(const json& obj, const std::string& path, const char* key, const std::string& default_value) const {
    const json* v = find(obj, key);
    if (v == nullptr) return default_value;
    if (!v->is_string()) invalid("\"" + path + key + "\" must be a string, got " + describe_json(*v));
    return v->get<std::string>();
  }
  std::string string(const char* key, const std::string& default_value) const { return string(j_, "", key, default_value); }

  // A positive finite number (a RoPE theta, an epsilon) that stays positive as a float.
  double positive_number(const json& obj, const std::string& path, const char* key, double default_value,
                         double max) const {
    const json* v = find(obj, key);
    if (v == nullptr) return default_value;
    if (!v->is_number()) invalid("\"" + path + key + "\" must be a number, got " + describe_json(*v));
    const double x = v->get<double>();
    if (!(x > 0) || !std::isfinite(x) || !(static_cast<float>(x) > 0) || x > max)
      invalid("\"" + path + key + "\" must be a positive number below " + std::to_string(max) + ", got " +
              describe_json(*v));
    return x;
  }

  const json& root() const { return j_; }

 private:
  const json& j_;
  const std::string& source_;
};

// transformers' ACT2FN names this runtime computes exactly.
HiddenActivation hidden_activation(const Reader& r, const char* key) {
  const std::string act = r.string(key, "gelu");
  if (act == "gelu") return HiddenActivation::GeluErf;
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") return HiddenActivation::GeluTanh;
  if (act == "relu") return HiddenActivation::Relu;
  r.unsupported(std::string(key) + " " + bounded_quote(act, '"') +
                " is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
}

HeadActivation head_activation(const Reader& r) {
  if (r.string("classifier_activation", "gelu") == "tanh") return HeadActivation::Tanh;
  switch (hidden_activation(r, "classifier_activation")) {
    case HiddenActivation::GeluErf: return HeadActivation::GeluErf;
    case HiddenActivation::GeluTanh: return HeadActivation::GeluTanh;
    case HiddenActivation::Relu: return HeadActivation::Relu;
  }
  return HeadActivation::GeluErf;
}

// layer_types when given (transformers 5 saves it), else every global_attn_every_n_layers-th layer is global
// (ModernBertConfig.__post_init__: layer i is sliding when i % n != 0).
void parse_layer_types(const Reader& r, ModernBertConfig& c) {
  c.global_layers.assign(static_cast<size_t>(c.num_hidden_layers), false);
  if (const json* types = r.find(r.root(), "layer_types")) {
    if (!types->is_array()) r.invalid("\"layer_types\" must be an array of strings, got " + describe_json(*types));
    if (types->size() != static_cast<size_t>(c.num_hidden_layers))
      r.invalid("\"layer_types\" has " + std::to_string(types->size()) + " entries for num_hidden_layers " +
                std::to_string(c.num_hidden_layers));
    for (size_t i = 0; i < types->size(); ++i) {
      const json& t = (*types)[i];
      const std::string name = t.is_string() ? t.get<std::string>() : std::string();
      if (name != "full_attention" && name != "sliding_attention")
        r.invalid("\"layer_types\"[" + std::to_string(i) + "] must be \"full_attention\" or \"sliding_attention\", got " +
                  describe_json(t));
      c.global_layers[i] = name == "full_attention";
    }
    return;
  }
  const int every = r.integer("global_attn_every_n_layers", 3, 1, 1 << 20);
  for (int i = 0; i < c.num_hidden_layers; ++i) c.global_layers[static_cast<size_t>(i)] = i % every == 0;
}

// rope_parameters.{full_attention,sliding_attention}.rope_theta (transformers 5), else the legacy
// global_rope_theta / local_rope_theta, else 160000 / 10000. Only the "default" rope_type (no scaling) is run.
void parse_rope(const Reader& r, ModernBertConfig& c) {
  constexpr double kMaxTheta = 1e12;
  c.global_rope_theta = r.positive_number(r.root(), "", "global_rope_theta", 160000.0, kMaxTheta);
  c.local_rope_theta = r.positive_number(r.root(), "", "local_rope_theta", 10000.0, kMaxTheta);
  if (const json* scaling = r.find(r.root(), "rope_scaling"))
    r.unsupported("\"rope_scaling\" " + describe_json(*scaling) + " is not supported (only the default RoPE)");
  const json* params = r.find(r.root(), "rope_parameters");
  if (params == nullptr) return;
  if (!params->is_object()) r.invalid("\"rope_parameters\" must be an object, got " + describe_json(*params));
  for (auto it = params->begin(); it != params->end(); ++it) {
    const bool full = it.key() == "full_attention", sliding = it.key() == "sliding_attention";
    if (!full && !sliding)
      r.unsupported("\"rope_parameters\" key " + bounded_quote(it.key(), '"') +
                    " is not supported; expected full_attention and sliding_attention entries");
    if (it->is_null()) continue;
    const std::string entry = "rope_parameters." + it.key(), path = entry + ".";
    if (!it->is_object()) r.invalid("\"" + entry + "\" must be an object, got " + describe_json(*it));
    const std::string type = r.string(*it, path, "rope_type", "default");
    if (type != "default")
      r.unsupported("\"" + path + "rope_type\" " + bounded_quote(type, '"') + " is not supported; supported: default");
    for (auto field = it->begin(); field != it->end(); ++field)
      if (field.key() != "rope_type" && field.key() != "rope_theta" && !field->is_null())
        r.unsupported("\"" + path + field.key() + "\" is not supported (only rope_type default and rope_theta)");
    double& theta = full ? c.global_rope_theta : c.local_rope_theta;
    theta = r.positive_number(*it, path, "rope_theta", theta, kMaxTheta);
  }
}

// Labels come from id2label (keys "0".."n-1"), else from "num_labels", else a single label.
void parse_labels(const Reader& r, ModernBertConfig& c) {
  constexpr int64_t kMaxLabels = 1 << 20;
  const json* map = r.find(r.root(), "id2label");
  if (map == nullptr) {
    c.num_labels = r.integer("num_labels", 1, 1, kMaxLabels);
    c.labels.clear();
    for (int i = 0; i < c.num_labels; ++i) c.labels.push_back("LABEL_" + std::to_string(i));
    return;
  }
  if (!map->is_object()) r.invalid("\"id2label\" must be an object, got " + describe_json(*map));
  if (map->empty()) r.invalid("\"id2label\" is empty");
  if (static_cast<int64_t>(map->size()) > kMaxLabels) r.invalid("\"id2label\" has too many entries");
  const size_t n = map->size();
  std::vector<std::string> labels(n);
  for (auto e = map->begin(); e != map->end(); ++e) {
    const std::string& key = e.key();
    // Canonical decimal only ("0", "12"; not "01", "+1"): n distinct ids below n cover every id.
    bool ok = !key.empty() && key.size() <= 9 && (key == "0" || key[0] != '0');
    for (char ch : key) ok = ok && ch >= '0' && ch <= '9';
    const size_t id = ok ? std::stoul(key) : n;
    if (id >= n) r.invalid("\"id2label\" key " + bounded_quote(key, '"') + " is not an id in 0.." + std::to_string(n - 1));
    if (!e.value().is_string())
      r.invalid("\"id2label\"[\"" + key + "\"] must be a string, got " + describe_json(e.value()));
    labels[id] = e.value().get<std::string>();
  }
  c.num_labels = static_cast<int>(n);
  c.labels = std::move(labels);
}

// sentence-transformers >= 4: {"sentence_transformers": {"activation_fn": ...}}; older releases:
// "sbert_ce_default_activation_function". The newer key wins.
void parse_st_activation(const Reader& r, ModernBertConfig& c) {
  if (const json* st = r.find(r.root(), "sentence_transformers")) {
    if (!st->is_object()) r.invalid("\"sentence_transformers\" must be an object, got " + describe_json(*st));
    if (r.find(*st, "activation_fn") != nullptr) {
      c.st_activation_fn = r.string(*st, "sentence_transformers.", "activation_fn", "");
      return;
    }
  }
  c.st_activation_fn = r.string("sbert_ce_default_activation_function", "");
}

}  // namespace

ModernBertConfig modernbert_config_from_json(const json& j, const std::string& source) {
  const Reader r(j, source);
  ModernBertConfig c;
  const json* type = r.find(j, "model_type");
  if (type == nullptr) r.invalid("missing \"model_type\" (expected \"modernbert\")");
  if (!type->is_string() || type->get<std::string>() != "modernbert")
    r.unsupported("model_type " + describe_json(*type) + " is not supported by the modernbert family");
  c.vocab_size = r.integer("vocab_size", 50368, 1, 10'000'000);
  c.hidden_size = r.integer("hidden_size", 768, 1, 65536);
  c.intermediate_size = r.integer("intermediate_size", 1152, 1, 1 << 20);
  c.num_hidden_layers = r.integer("num_hidden_layers", 22, 1, 1024);
  c.num_attention_heads = r.integer("num_attention_heads", 12, 1, 65536);
  c.max_position_embeddings = r.integer("max_position_embeddings", 8192, 1, 1'000'000);
  if (c.hidden_size % c.num_attention_heads != 0 || c.head_dim() % 2 != 0)
    r.invalid("\"hidden_size\" " + std::to_string(c.hidden_size) + " / \"num_attention_heads\" " +
              std::to_string(c.num_attention_heads) + " must be a whole, even head size (RoPE rotates pairs)");
  c.hidden_activation = hidden_activation(r, "hidden_activation");
  c.classifier_activation = head_activation(r);
  c.norm_eps = static_cast<float>(r.positive_number(j, "", "norm_eps", 1e-5, 0.5));
  c.norm_bias = r.boolean("norm_bias", false);
  c.attention_bias = r.boolean("attention_bias", false);
  c.mlp_bias = r.boolean("mlp_bias", false);
  c.classifier_bias = r.boolean("classifier_bias", false);
  const std::string pooling = r.string("classifier_pooling", "cls");
  if (pooling == "cls") {
    c.classifier_pooling = SequencePooling::First;
  } else if (pooling == "mean") {
    c.classifier_pooling = SequencePooling::Mean;
  } else {
    r.unsupported("classifier_pooling " + bounded_quote(pooling, '"') + " is not supported; supported: cls, mean");
  }
  // transformers' config.sliding_window is local_attention // 2 (a property; setting it sets local_attention).
  constexpr int kMaxWindow = 1 << 21;
  c.local_attention = r.integer("local_attention", 128, 0, kMaxWindow);
  if (r.find(j, "sliding_window") != nullptr) {
    const int half = r.integer("sliding_window", 64, 0, kMaxWindow / 2);
    if (r.find(j, "local_attention") == nullptr) {
      c.local_attention = 2 * half;
    } else if (c.local_attention / 2 != half) {
      r.invalid("\"sliding_window\" " + std::to_string(half) + " disagrees with \"local_attention\" " +
                std::to_string(c.local_attention) + " (sliding_window is local_attention / 2)");
    }
  }
  parse_layer_types(r, c);
  parse_rope(r, c);
  parse_labels(r, c);
  parse_st_activation(r, c);
  return c;
}

}  // namespace ce
