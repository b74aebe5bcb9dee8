// Loads DebertaV2ForSequenceClassification tensors by their HF names and packs the Linear layers.
#include "model/deberta/deberta_weights.h"

#include <exception>
#include <string>

#include "common/error.h"
#include "io/safetensors_checkpoint.h"
#include "kernels/layernorm.h"
#include "model/blocks/parallel_parts.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

// DebertaV2ForSequenceClassification saves the encoder under `deberta.`; bare DebertaV2Model checkpoints do not.
constexpr const char* kPrefix = "deberta.";

class Reader {
 public:
  explicit Reader(const SafetensorsCheckpoint& file) : file_(file) {}

  // The stored name of an encoder tensor, with or without the prefix; throws MissingTensor.
  std::string resolve(const std::string& name) const {
    for (const std::string& candidate : {kPrefix + name, name})
      if (file_.find(candidate) != nullptr) return candidate;
    throw Error(ErrorCode::MissingTensor,
                "tensor '" + std::string(kPrefix) + name + "' (or '" + name + "') is missing from " + file_.path());
  }

  std::vector<float> read(const std::string& name, const std::vector<int64_t>& shape) const {
    return file_.read_f32(resolve(name), shape);
  }

  // An encoder Linear layer: `.weight` [out][in] (read first, so a bad shape is reported before the bias) and
  // `.bias` [out], or zeros for a layer without one.
  PackedLinear linear(const std::string& base, int64_t out, int64_t in, WeightFormat format,
                      bool has_bias = true) const {
    return pack(resolve(base + ".weight"), has_bias ? resolve(base + ".bias") : "", out, in, format);
  }

  // pooler / classifier: top-level names only.
  PackedLinear linear_top(const std::string& base, int64_t out, int64_t in, WeightFormat format) const {
    for (const char* part : {".weight", ".bias"})
      if (file_.find(base + part) == nullptr)
        throw Error(ErrorCode::MissingTensor, "tensor '" + base + part + "' is missing from " + file_.path());
    return pack(base + ".weight", base + ".bias", out, in, format);
  }

  LayerNormWeights norm(const std::string& base, int64_t width) const {
    return {read(base + ".weight", {width}), read(base + ".bias", {width})};
  }

 private:
  PackedLinear pack(const std::string& weight, const std::string& bias, int64_t out, int64_t in,
                    WeightFormat format) const {
    const size_t count = static_cast<size_t>(out * in);
    if (scratch_.size() < count) scratch_.resize(count);
    file_.read_f32_into(weight, {out, in}, scratch_.data());
    std::vector<float> b = bias.empty() ? std::vector<float>(static_cast<size_t>(out), 0.0f) : file_.read_f32(bias, {out});
    return pack_linear(scratch_.data(), std::move(b), static_cast<int>(out), static_cast<int>(in), format);
  }

  const SafetensorsCheckpoint& file_;
  mutable std::vector<float> scratch_;  // the PyTorch-layout weight on its way to the packed layout
};

void load_embeddings(const Reader& r, const SafetensorsCheckpoint& file, const DebertaConfig& c,
                     const PrecisionPlan& plan, bool embeddings_in_memory, DebertaWeights& w) {
  const int64_t h = c.hidden_size, e = c.embedding_size;
  const std::string word = r.resolve("embeddings.word_embeddings.weight");
  const std::vector<int64_t> shape{c.vocab_size, e};
  std::optional<FileF32> in_file;
  if (!embeddings_in_memory) in_file = file.f32_in_file(word, shape);
  w.word_embeddings = in_file ? EmbeddingTable(std::move(*in_file), static_cast<size_t>(c.vocab_size), static_cast<size_t>(e))
                              : EmbeddingTable(file.read_f32(word, shape), static_cast<size_t>(e));
  if (c.position_biased_input)
    w.position_embeddings = r.read("embeddings.position_embeddings.weight", {c.max_position_embeddings, e});
  if (c.type_vocab_size > 0)
    w.token_type_embeddings = r.read("embeddings.token_type_embeddings.weight", {c.type_vocab_size, e});
  // Not an encoder Linear: it goes with the head (fp32 by default), as ELECTRA's embeddings_project.
  if (e != h)
    w.embed_proj = r.linear("embeddings.embed_proj", h, e, plan.format_for(LinearRole::Head), /*has_bias=*/false);
  w.embedding_norm = r.norm("embeddings.LayerNorm", h);
  if (c.relative_attention) {
    const int64_t rows = c.relative_embedding_rows();
    w.rel_embeddings = r.read("encoder.rel_embeddings.weight", {rows, h});
    if (c.norm_rel_embeddings) {
      const LayerNormWeights n = r.norm("encoder.LayerNorm", h);
      layer_norm_reference(w.rel_embeddings.data(), static_cast<size_t>(rows), static_cast<size_t>(h), n.gamma.data(),
                           n.beta.data(), c.layer_norm_eps);
    }
  }
}

// DebertaV2Layer: the post-norm encoder layer, its attention projections named query_proj / key_proj / value_proj.
// The relative-position projections take the role of the projection they stand in for under share_att_key
// (pos_key_proj: Key, pos_query_proj: Query), so a plan treats both ways of projecting alike.
void load_layer(const Reader& r, const DebertaConfig& c, const PrecisionPlan& plan, size_t index,
                EncoderLayerWeights& l, DebertaRelativeProjections& rel) {
  const int64_t h = c.hidden_size;
  const std::string p = "encoder.layer." + std::to_string(index) + ".";
  auto f = [&](LinearRole role) { return plan.format_for(role); };
  l.query = r.linear(p + "attention.self.query_proj", h, h, f(LinearRole::Query));
  l.key = r.linear(p + "attention.self.key_proj", h, h, f(LinearRole::Key));
  l.value = r.linear(p + "attention.self.value_proj", h, h, f(LinearRole::Value));
  if (c.relative_attention && !c.share_att_key) {
    if (c.c2p) rel.pos_key = r.linear(p + "attention.self.pos_key_proj", h, h, f(LinearRole::Key));
    if (c.p2c) rel.pos_query = r.linear(p + "attention.self.pos_query_proj", h, h, f(LinearRole::Query));
  }
  l.attention_output = r.linear(p + "attention.output.dense", h, h, f(LinearRole::AttentionOutput));
  l.attention_norm = r.norm(p + "attention.output.LayerNorm", h);
  l.intermediate = r.linear(p + "intermediate.dense", c.intermediate_size, h, f(LinearRole::Intermediate));
  l.output = r.linear(p + "output.dense", h, c.intermediate_size, f(LinearRole::Output));
  l.output_norm = r.norm(p + "output.LayerNorm", h);
}

}  // namespace

DebertaWeights load_deberta_weights(const SafetensorsCheckpoint& file, const DebertaConfig& config, ThreadPool* pool,
                                    bool embeddings_in_memory, const PrecisionPlan& precision) {
  const size_t layers = static_cast<size_t>(config.num_hidden_layers);
  DebertaWeights w;
  w.layers.resize(layers);
  w.relative.resize(layers);
  // Part 0: embeddings (and relative embeddings); 1..layers: encoder layers; layers + 1: pooler and classifier.
  // Each part has its own reader (and scratch), so parts can run on different threads.
  auto load_part = [&](size_t part) {
    const Reader r(file);
    if (part == 0) {
      load_embeddings(r, file, config, precision, embeddings_in_memory, w);
    } else if (part <= layers) {
      load_layer(r, config, precision, part - 1, w.layers[part - 1], w.relative[part - 1]);
    } else {
      const WeightFormat head = precision.format_for(LinearRole::Head);
      w.head.dense = r.linear_top("pooler.dense", config.hidden_size, config.hidden_size, head);
      w.head.activation = config.pooler_act;
      w.head.out = r.linear_top("classifier", config.num_labels, config.hidden_size, head);
    }
  };
  load_parts_in_parallel(layers + 2, pool, load_part);
  return w;
}

}  // namespace ce
