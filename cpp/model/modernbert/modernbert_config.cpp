// Parses config.json into a ModernBertConfig, rejecting anything the ModernBERT runtime cannot run faithfully.
#include "model/modernbert/modernbert_config.h"

#include <cmath>

#include "common/error.h"
#include "io/untrusted_json.h"
#include "model/config_fields.h"

namespace ce {

namespace {

// ConfigFields (the readers every family shares) plus what ModernBERT's config adds: booleans, nested objects,
// positive reals.
class Reader {
 public:
  Reader(const Json& j, const std::string& source) : j_(j), fields_(j, source) {}

  const ConfigFields& fields() const { return fields_; }
  [[noreturn]] void invalid(const std::string& what) const { fields_.invalid(what); }
  [[noreturn]] void unsupported(const std::string& what) const { fields_.unsupported(what); }

  // The value of `key`, or null when absent (transformers treats null like unset).
  const Json* find(const Json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }

  bool boolean(const char* key, bool default_value) const {
    const Json* v = find(j_, key);
    if (v == nullptr) return default_value;
    if (!v->is_boolean()) invalid(std::string("\"") + key + "\" must be true or false, got " + describe_json(*v));
    return v->get<bool>();
  }

  std::string string(const Json& obj, const std::string& path, const char* key,
                     const std::string& default_value) const {
    const Json* v = find(obj, key);
    if (v == nullptr) return default_value;
    if (!v->is_string()) invalid("\"" + path + key + "\" must be a string, got " + describe_json(*v));
    return v->get<std::string>();
  }
  std::string string(const char* key, const std::string& default_value) const {
    return string(j_, "", key, default_value);
  }

  // A positive finite number (a RoPE theta, an epsilon) that stays positive as a float.
  double positive_number(const Json& obj, const std::string& path, const char* key, double default_value,
                         double max) const {
    const Json* v = find(obj, key);
    if (v == nullptr) return default_value;
    if (!v->is_number()) invalid("\"" + path + key + "\" must be a number, got " + describe_json(*v));
    const double x = v->get<double>();
    if (!(x > 0) || !std::isfinite(x) || !(static_cast<float>(x) > 0) || x > max)
      invalid("\"" + path + key + "\" must be a positive number below " + std::to_string(max) + ", got " +
              describe_json(*v));
    return x;
  }

  const Json& root() const { return j_; }

 private:
  const Json& j_;
  ConfigFields fields_;
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
  if (const Json* types = r.find(r.root(), "layer_types")) {
    if (!types->is_array()) r.invalid("\"layer_types\" must be an array of strings, got " + describe_json(*types));
    if (types->size() != static_cast<size_t>(c.num_hidden_layers))
      r.invalid("\"layer_types\" has " + std::to_string(types->size()) + " entries for num_hidden_layers " +
                std::to_string(c.num_hidden_layers));
    for (size_t i = 0; i < types->size(); ++i) {
      const Json& t = (*types)[i];
      const std::string name = t.is_string() ? t.get<std::string>() : std::string();
      if (name != "full_attention" && name != "sliding_attention")
        r.invalid("\"layer_types\"[" + std::to_string(i) +
                  "] must be \"full_attention\" or \"sliding_attention\", got " + describe_json(t));
      c.global_layers[i] = name == "full_attention";
    }
    return;
  }
  const int every = r.fields().positive_int("global_attn_every_n_layers", 3, 1 << 20);
  for (int i = 0; i < c.num_hidden_layers; ++i) c.global_layers[static_cast<size_t>(i)] = i % every == 0;
}

// rope_parameters.{full_attention,sliding_attention}.rope_theta (transformers 5), else the legacy
// global_rope_theta / local_rope_theta, else 160000 / 10000. Only the "default" rope_type (no scaling) is run.
void parse_rope(const Reader& r, ModernBertConfig& c) {
  constexpr double kMaxTheta = 1e12;
  c.global_rope_theta = r.positive_number(r.root(), "", "global_rope_theta", 160000.0, kMaxTheta);
  c.local_rope_theta = r.positive_number(r.root(), "", "local_rope_theta", 10000.0, kMaxTheta);
  if (const Json* scaling = r.find(r.root(), "rope_scaling"))
    r.unsupported("\"rope_scaling\" " + describe_json(*scaling) + " is not supported (only the default RoPE)");
  const Json* params = r.find(r.root(), "rope_parameters");
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

}  // namespace

ModernBertConfig modernbert_config_from_json(const Json& j, const std::string& source) {
  const Reader r(j, source);
  ModernBertConfig c;
  const Json* type = r.find(j, "model_type");
  if (type == nullptr) r.invalid("missing \"model_type\" (expected \"modernbert\")");
  if (!type->is_string() || type->get<std::string>() != "modernbert")
    r.unsupported("model_type " + describe_json(*type) + " is not supported by the modernbert family");
  const ConfigFields& f = r.fields();
  c.vocab_size = f.positive_int("vocab_size", 50368, 10'000'000);
  c.hidden_size = f.positive_int("hidden_size", 768, 65536);
  c.intermediate_size = f.positive_int("intermediate_size", 1152, 1 << 20);
  c.num_hidden_layers = f.positive_int("num_hidden_layers", 22, 1024);
  c.num_attention_heads = f.positive_int("num_attention_heads", 12, 65536);
  c.max_position_embeddings = f.positive_int("max_position_embeddings", 8192, 1'000'000);
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
  c.local_attention = f.non_negative_int("local_attention", 128, kMaxWindow);
  if (r.find(j, "sliding_window") != nullptr) {
    const int half = f.non_negative_int("sliding_window", 64, kMaxWindow / 2);
    if (r.find(j, "local_attention") == nullptr) {
      c.local_attention = 2 * half;
    } else if (c.local_attention / 2 != half) {
      r.invalid("\"sliding_window\" " + std::to_string(half) + " disagrees with \"local_attention\" " +
                std::to_string(c.local_attention) + " (sliding_window is local_attention / 2)");
    }
  }
  parse_layer_types(r, c);
  parse_rope(r, c);
  r.fields().labels(&c.num_labels, &c.labels);
  c.st_activation_fn = r.fields().st_activation_fn();
  return c;
}

}  // namespace ce
