// Parses config.json into a BertConfig, rejecting anything the BERT runtime cannot run faithfully.
#include "model/bert/bert_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/config_json.h"
#include "io/untrusted_json.h"

namespace ce {

namespace {

using nlohmann::json;

constexpr const char* kArchitecture = "BertForSequenceClassification";

[[noreturn]] void invalid(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::InvalidConfig, source + ": " + what);
}

[[noreturn]] void unsupported(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::UnsupportedArchitecture, source + ": " + what);
}

// An integer key in [1, max]; absent keys take transformers' BertConfig default so that a config accepted by
// Python is accepted here too. Caps keep a hostile config from requesting absurd allocations.
int positive_int(const json& j, const std::string& source, const char* key, int64_t default_value, int64_t max) {
  auto it = j.find(key);
  if (it == j.end()) return static_cast<int>(default_value);
  if (!it->is_number_integer()) {
    invalid(source, std::string("\"") + key + "\" must be an integer, got " + describe_json(*it));
  }
  // Compare unsigned values as unsigned: reading one above INT64_MAX as int64 would wrap negative.
  const bool too_big = it->is_number_unsigned() ? it->get<uint64_t>() > static_cast<uint64_t>(max)
                                                : it->get<int64_t>() > max;
  if (too_big) {
    invalid(source,
            std::string("\"") + key + "\" = " + describe_json(*it) + " exceeds the limit " + std::to_string(max));
  }
  const int64_t v = it->get<int64_t>();
  if (v <= 0) invalid(source, std::string("\"") + key + "\" must be positive, got " + describe_json(*it));
  return static_cast<int>(v);
}

// A string key; `present` tells absent (or null, which transformers treats like unset) from given.
std::string optional_string(const json& j, const std::string& source, const char* key, bool* present) {
  auto it = j.find(key);
  *present = it != j.end() && !it->is_null();
  if (!*present) return {};
  if (!it->is_string()) invalid(source, std::string("\"") + key + "\" must be a string, got " + describe_json(*it));
  return it->get<std::string>();
}

void parse_architecture(const json& j, const std::string& source, BertConfig& cfg) {
  // architectures first: for e.g. a RoBERTa checkpoint, naming its class is the most useful message.
  auto it = j.find("architectures");
  const bool has_arch = it != j.end() && !it->is_null();
  if (has_arch) {
    if (!it->is_array()) invalid(source, "\"architectures\" must be an array of strings, got " + describe_json(*it));
    if (it->empty()) invalid(source, "\"architectures\" is empty (expected [\"BertForSequenceClassification\"])");
    bool found = false;
    for (const auto& a : *it) {
      if (!a.is_string()) {
        invalid(source, "\"architectures\" must be an array of strings, got " + describe_json(*it));
      }
      found = found || a.get<std::string>() == kArchitecture;
    }
    if (!found) {
      unsupported(source, bounded_excerpt((*it)[0].get<std::string>()) + " is not supported; supported: " +
                              kArchitecture);
    }
  }

  bool has_type = false;
  const std::string model_type = optional_string(j, source, "model_type", &has_type);
  if (!has_type) invalid(source, "missing \"model_type\" (expected \"bert\")");
  if (model_type != "bert") {
    unsupported(source, "model_type " + bounded_quote(model_type, '"') + " is not supported; supported: bert");
  }
  // transformers picks the model class from model_type, so a config without "architectures" still loads
  // as a sequence classifier there; accept it the same way.
  cfg.architecture = kArchitecture;
}

void parse_activation(const json& j, const std::string& source, BertConfig& cfg) {
  bool present = false;
  std::string act = optional_string(j, source, "hidden_act", &present);
  if (!present) act = "gelu";  // transformers' BertConfig default
  if (act == "gelu") {
    cfg.hidden_act = HiddenActivation::GeluErf;
  } else if (act == "gelu_new" || act == "gelu_pytorch_tanh") {
    cfg.hidden_act = HiddenActivation::GeluTanh;
  } else if (act == "relu") {
    cfg.hidden_act = HiddenActivation::Relu;
  } else {
    unsupported(source, "hidden_act " + bounded_quote(act, '"') +
                            " is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
  }

  const std::string pos = optional_string(j, source, "position_embedding_type", &present);
  if (present && pos != "absolute") {
    unsupported(source,
                "position_embedding_type " + bounded_quote(pos, '"') + " is not supported; supported: absolute");
  }
}

void parse_layer_norm_eps(const json& j, const std::string& source, BertConfig& cfg) {
  auto it = j.find("layer_norm_eps");
  if (it == j.end()) return;  // keep the 1e-12 default
  if (!it->is_number()) invalid(source, "\"layer_norm_eps\" must be a number, got " + describe_json(*it));
  const double eps = it->get<double>();
  // Must stay positive after narrowing to float, or the LayerNorm could divide by zero.
  if (!(eps > 0) || !std::isfinite(eps) || !(static_cast<float>(eps) > 0) || eps >= 1.0) {
    invalid(source, "\"layer_norm_eps\" must be a small positive number, got " + describe_json(*it));
  }
  cfg.layer_norm_eps = static_cast<float>(eps);
}

// Labels come from id2label (keys "0".."n-1"), else from "num_labels", else a single label.
void parse_labels(const json& j, const std::string& source, BertConfig& cfg) {
  constexpr int64_t kMaxLabels = 1 << 20;
  auto it = j.find("id2label");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_object()) invalid(source, "\"id2label\" must be an object, got " + describe_json(*it));
    if (it->empty()) invalid(source, "\"id2label\" is empty");
    if (static_cast<int64_t>(it->size()) > kMaxLabels) invalid(source, "\"id2label\" has too many entries");
    const size_t n = it->size();
    std::vector<std::string> labels(n);
    std::vector<bool> filled(n, false);
    for (auto e = it->begin(); e != it->end(); ++e) {
      const std::string& key = e.key();
      // Canonical decimal only ("0", "12"; not "01", "+1", " 1"), so each id maps to exactly one key.
      bool ok = !key.empty() && key.size() <= 9 && (key == "0" || key[0] != '0');
      for (char c : key) ok = ok && c >= '0' && c <= '9';
      const size_t id = ok ? std::stoul(key) : n;
      if (id >= n) {
        invalid(source, "\"id2label\" key " + bounded_quote(key, '"') + " is not an id in 0.." + std::to_string(n - 1));
      }
      if (!e.value().is_string()) {
        invalid(source, "\"id2label\"[\"" + key + "\"] must be a string, got " + describe_json(e.value()));
      }
      labels[id] = e.value().get<std::string>();
      filled[id] = true;
    }
    // n keys, each a distinct id below n, cover every id; the check guards the reasoning anyway.
    for (size_t i = 0; i < n; ++i) {
      if (!filled[i]) invalid(source, "\"id2label\" has no entry for id " + std::to_string(i));
    }
    cfg.num_labels = static_cast<int>(n);
    cfg.labels = std::move(labels);
    return;
  }
  cfg.num_labels = positive_int(j, source, "num_labels", 1, kMaxLabels);
  cfg.labels.clear();
  for (int i = 0; i < cfg.num_labels; ++i) cfg.labels.push_back("LABEL_" + std::to_string(i));
}

// sentence-transformers >= 4 stores {"sentence_transformers": {"activation_fn": ...}}; older releases
// stored "sbert_ce_default_activation_function". The newer key wins when both are present.
void parse_st_activation(const json& j, const std::string& source, BertConfig& cfg) {
  auto st = j.find("sentence_transformers");
  if (st != j.end() && !st->is_null()) {
    if (!st->is_object()) invalid(source, "\"sentence_transformers\" must be an object, got " + describe_json(*st));
    auto fn = st->find("activation_fn");
    if (fn != st->end() && !fn->is_null()) {
      if (!fn->is_string()) {
        invalid(source, "\"sentence_transformers.activation_fn\" must be a string, got " + describe_json(*fn));
      }
      cfg.st_activation_fn = fn->get<std::string>();
      return;
    }
  }
  bool present = false;
  cfg.st_activation_fn = optional_string(j, source, "sbert_ce_default_activation_function", &present);
}

}  // namespace

BertConfig parse_bert_config(const std::string& json_text, const std::string& source_name) {
  return bert_config_from_json(parse_config_json(json_text, source_name), source_name);
}

BertConfig bert_config_from_json(const json& j, const std::string& source_name) {
  BertConfig cfg;
  parse_architecture(j, source_name, cfg);
  parse_activation(j, source_name, cfg);
  cfg.vocab_size = positive_int(j, source_name, "vocab_size", 30522, 10'000'000);
  cfg.hidden_size = positive_int(j, source_name, "hidden_size", 768, 65536);
  cfg.num_hidden_layers = positive_int(j, source_name, "num_hidden_layers", 12, 1024);
  cfg.num_attention_heads = positive_int(j, source_name, "num_attention_heads", 12, 65536);
  cfg.intermediate_size = positive_int(j, source_name, "intermediate_size", 3072, 1 << 20);
  cfg.max_position_embeddings = positive_int(j, source_name, "max_position_embeddings", 512, 1'000'000);
  cfg.type_vocab_size = positive_int(j, source_name, "type_vocab_size", 2, 65536);
  if (cfg.hidden_size % cfg.num_attention_heads != 0) {
    invalid(source_name, "\"hidden_size\" " + std::to_string(cfg.hidden_size) +
                             " is not a multiple of \"num_attention_heads\" " +
                             std::to_string(cfg.num_attention_heads));
  }
  parse_layer_norm_eps(j, source_name, cfg);
  parse_labels(j, source_name, cfg);
  parse_st_activation(j, source_name, cfg);
  return cfg;
}

}  // namespace ce
