// Parses config.json into a DebertaConfig, rejecting anything the DeBERTa runtime cannot run faithfully.
#include "model/deberta/deberta_config.h"

#include <cctype>
#include <cmath>

#include "common/error.h"
#include "io/untrusted_json.h"
#include "model/config_fields.h"

namespace ce {

namespace {

constexpr const char* kArchitecture = "DebertaV2ForSequenceClassification";

// DeBERTa's own keys (booleans, "a|b" lists, integers where negative means unset) on top of the shared readers.
class Reader : public ConfigFields {
 public:
  Reader(const Json& j, const std::string& source) : ConfigFields(j, source), j_(j) {}

  const Json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }

  // An integer in [min, max] (absent or null: the default), for keys where a negative value means "unset".
  int integer(const char* key, int64_t default_value, int64_t min, int64_t max) const {
    const Json* v = find(key);
    if (v == nullptr) return static_cast<int>(default_value);
    if (!v->is_number_integer()) invalid(quote(key) + " must be an integer, got " + describe_json(*v));
    const bool too_big = v->is_number_unsigned() ? v->get<uint64_t>() > static_cast<uint64_t>(max)
                                                 : v->get<int64_t>() > max;
    if (too_big || v->get<int64_t>() < min)
      invalid(quote(key) + " = " + describe_json(*v) + " is outside [" + std::to_string(min) + ", " +
              std::to_string(max) + "]");
    return static_cast<int>(v->get<int64_t>());
  }

  bool boolean(const char* key, bool default_value) const {
    const Json* v = find(key);
    if (v == nullptr) return default_value;
    if (!v->is_boolean()) invalid(quote(key) + " must be true or false, got " + describe_json(*v));
    return v->get<bool>();
  }

  std::string string(const char* key, const std::string& default_value) const {
    bool present = false;
    std::string value = optional_string(key, &present);
    return present ? value : default_value;
  }

  // HF's "a|b" strings and ["a", "b"] lists alike, each entry trimmed and lower-cased (DebertaV2Config does so).
  std::vector<std::string> list(const char* key) const {
    std::vector<std::string> parts;
    const Json* v = find(key);
    if (v == nullptr) return parts;
    auto add = [&](const std::string& text) {
      size_t b = 0;
      while (b <= text.size()) {
        size_t e = text.find('|', b);
        if (e == std::string::npos) e = text.size();
        std::string part = text.substr(b, e - b);
        const size_t first = part.find_first_not_of(" \t\n\r"), last = part.find_last_not_of(" \t\n\r");
        part = first == std::string::npos ? "" : part.substr(first, last - first + 1);
        for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!part.empty()) parts.push_back(part);
        b = e + 1;
      }
    };
    if (v->is_string()) {
      add(v->get<std::string>());
    } else if (v->is_array()) {
      for (const auto& e : *v) {
        if (!e.is_string()) invalid(quote(key) + " must be a list of strings, got an element " + describe_json(e));
        add(e.get<std::string>());
      }
    } else {
      invalid(quote(key) + " must be a string or a list of strings, got " + describe_json(*v));
    }
    return parts;
  }

  static std::string quote(const char* key) { return std::string("\"") + key + "\""; }

 private:
  const Json& j_;
};

HeadActivation pooler_activation(const Reader& r) {
  const std::string act = r.string("pooler_hidden_act", "gelu");
  if (act == "gelu") return HeadActivation::GeluErf;
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") return HeadActivation::GeluTanh;
  if (act == "tanh") return HeadActivation::Tanh;
  if (act == "relu") return HeadActivation::Relu;
  r.unsupported("pooler_hidden_act " + bounded_quote(act, '"') + " is not supported; supported: gelu, gelu_new, "
                "gelu_pytorch_tanh, tanh, relu");
}

void parse_relative_attention(const Reader& r, DebertaConfig& cfg) {
  for (const std::string& t : r.list("pos_att_type")) {
    if (t == "c2p") {
      cfg.c2p = true;
    } else if (t == "p2c") {
      cfg.p2c = true;
    } else {
      r.unsupported("pos_att_type " + bounded_quote(t, '"') + " is not supported; supported: c2p, p2c");
    }
  }
  for (const std::string& n : r.list("norm_rel_ebd")) {
    if (n == "layer_norm") {
      cfg.norm_rel_embeddings = true;
    } else if (n != "none") {
      r.unsupported("norm_rel_ebd " + bounded_quote(n, '"') + " is not supported; supported: none, layer_norm");
    }
  }
  cfg.relative_attention = r.boolean("relative_attention", false);
  cfg.share_att_key = r.boolean("share_att_key", false);
  // HF reads these only with relative attention; they are validated either way (a typo should not hide).
  const int max_rel = r.integer("max_relative_positions", -1, INT32_MIN, 1'000'000);
  cfg.max_relative_positions = max_rel < 1 ? cfg.max_position_embeddings : max_rel;
  cfg.position_buckets = r.integer("position_buckets", -1, INT32_MIN, 1'000'000);
  if (!cfg.relative_attention) return;
  if (cfg.position_buckets > 0) {
    // make_log_bucket_position divides by log((max_relative_positions - 1) / (position_buckets / 2)); below
    // these bounds PyTorch computes NaN or infinite buckets.
    const int mid = cfg.position_buckets / 2;
    if (mid < 1)
      r.invalid("\"position_buckets\" = " + std::to_string(cfg.position_buckets) + " must be at least 2 (or <= 0 for none)");
    if (cfg.max_relative_positions - 1 <= mid)
      r.invalid("\"max_relative_positions\" " + std::to_string(cfg.max_relative_positions) +
                " must exceed position_buckets / 2 + 1 = " + std::to_string(mid + 1) + " for log buckets");
  }
}

}  // namespace

float DebertaConfig::attention_scale() const {
  return std::sqrt(static_cast<float>(head_dim()) * static_cast<float>(1 + (c2p ? 1 : 0) + (p2c ? 1 : 0)));
}

DebertaConfig deberta_config_from_json(const Json& j, const std::string& source) {
  const Reader r(j, source);
  DebertaConfig cfg;
  cfg.architecture = r.architecture({{kArchitecture, "deberta-v2"}});
  // DeBERTa (v1) configs share the class names' prefix but not the maths (no buckets, other defaults).
  if (const std::string type = r.string("model_type", "deberta-v2"); type != "deberta-v2")
    r.unsupported("model_type " + bounded_quote(type, '"') + " is not supported by this family; supported: deberta-v2");
  cfg.vocab_size = r.positive_int("vocab_size", 128100, 10'000'000);
  cfg.hidden_size = r.positive_int("hidden_size", 1536, 65536);
  cfg.num_hidden_layers = r.positive_int("num_hidden_layers", 24, 1024);
  cfg.num_attention_heads = r.positive_int("num_attention_heads", 24, 65536);
  cfg.intermediate_size = r.positive_int("intermediate_size", 6144, 1 << 20);
  cfg.max_position_embeddings = r.positive_int("max_position_embeddings", 512, 1 << 20);
  cfg.type_vocab_size = r.non_negative_int("type_vocab_size", 0, 65536);
  cfg.embedding_size = r.positive_int("embedding_size", cfg.hidden_size, 65536);
  cfg.position_biased_input = r.boolean("position_biased_input", true);
  if (cfg.hidden_size % cfg.num_attention_heads != 0)
    r.invalid("\"hidden_size\" " + std::to_string(cfg.hidden_size) + " is not a multiple of \"num_attention_heads\" " +
              std::to_string(cfg.num_attention_heads));
  if (const Json* a = r.find("attention_head_size"); a != nullptr && a->get_integer<int64_t>() != cfg.head_dim())
    r.unsupported("attention_head_size " + describe_json(*a) + " is not supported; supported: hidden_size / "
                  "num_attention_heads = " + std::to_string(cfg.head_dim()));
  if (const Json* conv = r.find("conv_kernel_size"); conv != nullptr && (!conv->is_number() || conv->get<double>() > 0))
    r.unsupported("conv_kernel_size " + describe_json(*conv) + " (DeBERTa-v2's ConvLayer) is not supported; "
                  "supported: absent or 0 (DeBERTa-v3)");
  if (const Json* p = r.find("pooler_hidden_size"); p != nullptr && p->get_integer<int64_t>() != cfg.hidden_size)
    r.invalid("\"pooler_hidden_size\" " + describe_json(*p) + " must equal hidden_size " + std::to_string(cfg.hidden_size) +
              " (the pooler reads the hidden state)");
  cfg.hidden_act = r.hidden_act();
  cfg.pooler_act = pooler_activation(r);
  cfg.layer_norm_eps = r.layer_norm_eps(1e-7f);  // DebertaV2Config's default
  parse_relative_attention(r, cfg);
  r.labels(&cfg.num_labels, &cfg.labels);
  cfg.st_activation_fn = r.st_activation_fn();
  return cfg;
}

}  // namespace ce
