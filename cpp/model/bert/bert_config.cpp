// Parses config.json into a BertConfig, rejecting anything the BERT runtime cannot run faithfully.
#include "model/bert/bert_config.h"

#include <cmath>

#include "common/error.h"
#include "model/config_fields.h"
#include "model/config_json.h"
#include "io/untrusted_json.h"

namespace ce {

namespace {

constexpr const char* kArchitecture = "BertForSequenceClassification";

[[noreturn]] void invalid(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::InvalidConfig, source + ": " + what);
}

[[noreturn]] void unsupported(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::UnsupportedArchitecture, source + ": " + what);
}

// A string key; `present` tells absent (or null, which transformers treats like unset) from given.
std::string optional_string(const Json& j, const std::string& source, const char* key, bool* present) {
  return ConfigFields(j, source).optional_string(key, present);
}

void parse_architecture(const Json& j, const std::string& source, BertConfig& cfg) {
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

}  // namespace

void read_encoder_sizes(const ConfigFields& f, BertConfig& cfg, const EncoderSizeDefaults& d) {
  cfg.vocab_size = f.positive_int("vocab_size", d.vocab_size, 10'000'000);
  cfg.hidden_size = f.positive_int("hidden_size", d.hidden_size, 65536);
  cfg.num_hidden_layers = f.positive_int("num_hidden_layers", d.num_hidden_layers, 1024);
  cfg.num_attention_heads = f.positive_int("num_attention_heads", d.num_attention_heads, 65536);
  cfg.intermediate_size = f.positive_int("intermediate_size", d.intermediate_size, 1 << 20);
  cfg.max_position_embeddings = f.positive_int("max_position_embeddings", d.max_position_embeddings, 1'000'000);
  cfg.type_vocab_size = f.positive_int("type_vocab_size", d.type_vocab_size, 65536);
  if (cfg.hidden_size % cfg.num_attention_heads != 0)
    f.invalid("\"hidden_size\" " + std::to_string(cfg.hidden_size) + " is not a multiple of \"num_attention_heads\" " +
              std::to_string(cfg.num_attention_heads));
}

BertConfig parse_bert_config(const std::string& json_text, const std::string& source_name) {
  return bert_config_from_json(parse_config_json(json_text, source_name), source_name);
}

BertConfig bert_config_from_json(const Json& j, const std::string& source_name) {
  BertConfig cfg;
  const ConfigFields f(j, source_name);
  parse_architecture(j, source_name, cfg);
  cfg.hidden_act = f.hidden_act();
  f.require_absolute_positions();
  read_encoder_sizes(f, cfg, {30522, 768, 12, 12, 3072, 512, 2});
  cfg.layer_norm_eps = f.layer_norm_eps(1e-12f);
  f.labels(&cfg.num_labels, &cfg.labels);
  cfg.st_activation_fn = f.st_activation_fn();
  return cfg;
}

}  // namespace ce
