// Loads ModernBertForSequenceClassification tensors by the names of modernbert_tensors.h and packs the Linear layers.
#include "model/modernbert/modernbert_weights.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "common/error.h"
#include "io/safetensors_checkpoint.h"
#include "model/modernbert/modernbert_tensors.h"
#include "model/blocks/parallel_parts.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

namespace names = modernbert_tensors;

class WeightReader {
 public:
  WeightReader(const SafetensorsCheckpoint& file, const ModernBertConfig& config, const PrecisionPlan& plan)
      : file_(file), c_(config), plan_(plan) {}

  // The stored name of an encoder tensor (with or without `model.`); throws MissingTensor.
  std::string resolve_encoder(const std::string& name) const {
    for (const std::string& prefix : {std::string(names::kPrefix), std::string()})
      if (file_.find(prefix + name) != nullptr) return prefix + name;
    throw Error(ErrorCode::MissingTensor, "tensor '" + std::string(names::kPrefix) + name + "' (or '" + name +
                                              "') is missing from " + file_.path());
  }
  std::string resolve_top(const std::string& name) const {
    if (file_.find(name) == nullptr)
      throw Error(ErrorCode::MissingTensor, "tensor '" + name + "' is missing from " + file_.path());
    return name;
  }
  std::string resolve(const std::string& name, bool top_level) const {
    return top_level ? resolve_top(name) : resolve_encoder(name);
  }

  LayerNormWeights norm(const std::string& base, bool top_level = false) const {
    const int64_t h = c_.hidden_size;
    LayerNormWeights w;
    w.gamma = file_.read_f32(resolve(base + ".weight", top_level), {h});
    w.beta = c_.norm_bias ? file_.read_f32(resolve(base + ".bias", top_level), {h})
                          : std::vector<float>(static_cast<size_t>(h), 0.0f);
    return w;
  }

  // The weight ([out][in]) and, when `bias`, the bias ([out]) of a Linear; the weight is read (and checked) first.
  const float* weight(const std::string& base, int64_t out, int64_t in, bool top_level) const {
    const size_t count = static_cast<size_t>(out * in);
    if (scratch_.size() < count) scratch_.resize(count);
    file_.read_f32_into(resolve(base + ".weight", top_level), {out, in}, scratch_.data());
    return scratch_.data();
  }
  std::vector<float> bias(const std::string& base, int64_t out, bool present, bool top_level) const {
    if (!present) return std::vector<float>(static_cast<size_t>(out), 0.0f);
    return file_.read_f32(resolve(base + ".bias", top_level), {out});
  }

  // Packed in the weight format the plan gives `role`.
  PackedLinear linear(const std::string& base, int64_t out, int64_t in, bool has_bias, LinearRole role,
                      bool top_level = false) const {
    const float* w = weight(base, out, in, top_level);
    return pack_linear(w, bias(base, out, has_bias, top_level), static_cast<int>(out), static_cast<int>(in),
                       plan_.format_for(role));
  }

  // Wqkv [3h][h] (+ [3h] bias) into three [h][h] layers: rows [0, h) query, [h, 2h) key, [2h, 3h) value, as
  // transformers' qkv.view(..., 3, heads, head_dim). Each third takes its own role's format (per-row formats, so
  // splitting first changes nothing).
  void qkv(const std::string& base, ModernBertLayerWeights& l) const {
    const int64_t h = c_.hidden_size;
    const float* w = weight(base, 3 * h, h, false);
    const std::vector<float> b = bias(base, 3 * h, c_.attention_bias, false);
    PackedLinear* parts[3] = {&l.query, &l.key, &l.value};
    const LinearRole roles[3] = {LinearRole::Query, LinearRole::Key, LinearRole::Value};
    for (size_t part = 0; part < 3; ++part) {
      const size_t rows0 = part * static_cast<size_t>(h);
      *parts[part] = pack_linear(w + rows0 * static_cast<size_t>(h),
                                 std::vector<float>(b.begin() + rows0, b.begin() + rows0 + h), static_cast<int>(h),
                                 static_cast<int>(h), plan_.format_for(roles[part]));
    }
  }

 private:
  const SafetensorsCheckpoint& file_;
  const ModernBertConfig& c_;
  const PrecisionPlan& plan_;
  mutable std::vector<float> scratch_;
};

}  // namespace

ModernBertWeights load_modernbert_weights(const SafetensorsCheckpoint& file, const ModernBertConfig& c,
                                          ThreadPool* pool, bool embeddings_in_memory,
                                          const PrecisionPlan& precision) {
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const size_t layers = static_cast<size_t>(std::max(c.num_hidden_layers, 0));
  ModernBertWeights w;
  w.layers.resize(layers);
  // Part 0: embeddings; 1..layers: encoder layers; layers + 1: final norm and head. Each part has its own reader
  // (and scratch buffer), so parts can run on different threads.
  auto load_part = [&](size_t part) {
    const WeightReader r(file, c, precision);
    if (part == 0) {
      const std::string name = r.resolve_encoder(names::kTokEmbeddings);
      const std::vector<int64_t> shape{c.vocab_size, h};
      std::optional<FileF32> in_file;
      if (!embeddings_in_memory) in_file = file.f32_in_file(name, shape);
      const size_t rows = static_cast<size_t>(c.vocab_size), width = static_cast<size_t>(h);
      w.tok_embeddings = in_file ? EmbeddingTable(std::move(*in_file), rows, width)
                                 : EmbeddingTable(file.read_f32(name, shape), width);
      w.embedding_norm = r.norm(names::kEmbeddingNorm);
    } else if (part <= layers) {
      const size_t i = part - 1;
      const std::string p = names::layer_prefix(i);
      ModernBertLayerWeights& l = w.layers[i];
      l.bf16_attention = precision.attention_format() == WeightFormat::BF16;
      if (i > 0) l.attn_norm = r.norm(p + names::kAttnNorm);
      r.qkv(p + names::kWqkv, l);
      l.attn_out = r.linear(p + names::kAttnOut, h, h, c.attention_bias, LinearRole::AttentionOutput);
      l.mlp_norm = r.norm(p + names::kMlpNorm);
      // GeGLU: Wi (input and gate halves) is the feed-forward's first Linear, Wo its second.
      l.mlp_in = r.linear(p + names::kMlpIn, 2 * inter, h, c.mlp_bias, LinearRole::Intermediate);
      l.mlp_out = r.linear(p + names::kMlpOut, h, inter, c.mlp_bias, LinearRole::Output);
    } else {
      w.final_norm = r.norm(names::kFinalNorm);
      w.head.dense = r.linear(names::kHeadDense, h, h, c.classifier_bias, LinearRole::Head, true);
      w.head.activation = c.classifier_activation;
      w.head.norm = r.norm(names::kHeadNorm, true);
      w.head.norm_eps = c.norm_eps;
      w.head.out = r.linear(names::kClassifier, c.num_labels, h, true, LinearRole::Head, true);
    }
  };
  load_parts_in_parallel(layers + 2, pool, load_part);
  return w;
}

}  // namespace ce
