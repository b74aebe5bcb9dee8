// Loads BertForSequenceClassification tensors by the names of bert_tensors.h and packs the Linear layers.
#include "model/bert/bert_weights.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "common/error.h"
#include "io/safetensors_checkpoint.h"
#include "model/bert/bert_tensors.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

namespace names = bert_tensors;

// Resolves HF names: checkpoints saved from BertForSequenceClassification carry a `bert.` prefix, bare
// BertModel checkpoints do not; old TF-converted ones call LayerNorm's parameters gamma/beta.
class WeightReader {
 public:
  WeightReader(const SafetensorsCheckpoint& file) : file_(file) {}

  std::vector<float> read(const std::string& name, const std::vector<int64_t>& shape,
                          const std::string& legacy_name = "") const {
    return file_.read_f32(resolve(name, legacy_name), shape);
  }

  // The stored name of `name` (with or without `bert.`, or its legacy form); throws MissingTensor.
  std::string resolve(const std::string& name, const std::string& legacy_name = "") const {
    for (const std::string& candidate : {name, legacy_name}) {
      if (candidate.empty()) continue;
      for (const std::string& prefix : {std::string(names::kPrefix), std::string()}) {
        if (file_.find(prefix + candidate) != nullptr) return prefix + candidate;
      }
    }
    throw Error(ErrorCode::MissingTensor, "tensor '" + std::string(names::kPrefix) + name + "' (or '" + name +
                                              "') is missing from " + file_.path());
  }

  // An encoder Linear layer (prefix optional), packed in `format`. The weight is read (and its shape checked)
  // before the bias.
  PackedLinear linear(const std::string& base, int64_t out, int64_t in, WeightFormat format) const {
    const float* weight = read_weight(resolve(base + ".weight"), out, in);
    return pack_linear(weight, read(base + ".bias", {out}), static_cast<int>(out), static_cast<int>(in), format);
  }

  // Classifier head: top-level names only.
  PackedLinear linear_top(const std::string& base, int64_t out, int64_t in, WeightFormat format) const {
    for (const char* part : {".weight", ".bias"})
      if (file_.find(base + part) == nullptr)
        throw Error(ErrorCode::MissingTensor, "tensor '" + base + part + "' is missing from " + file_.path());
    const float* weight = read_weight(base + ".weight", out, in);
    return pack_linear(weight, file_.read_f32(base + ".bias", {out}), static_cast<int>(out), static_cast<int>(in),
                       format);
  }

  LayerNormWeights norm(const std::string& base, int64_t width) const {
    LayerNormWeights w;
    w.gamma = read(base + ".weight", {width}, base + ".gamma");
    w.beta = read(base + ".bias", {width}, base + ".beta");
    return w;
  }

 private:
  // The PyTorch-layout weight only passes through `scratch_` on its way to the packed layout: one buffer for all
  // layers instead of a fresh allocation (and its page faults) per layer.
  const float* read_weight(const std::string& stored_name, int64_t out, int64_t in) const {
    const size_t count = static_cast<size_t>(out * in);
    if (scratch_.size() < count) scratch_.resize(count);
    file_.read_f32_into(stored_name, {out, in}, scratch_.data());
    return scratch_.data();
  }

  const SafetensorsCheckpoint& file_;
  mutable std::vector<float> scratch_;
};

}  // namespace

BertWeights load_bert_weights(const SafetensorsCheckpoint& file, const BertConfig& config, ThreadPool* pool,
                              bool embeddings_in_memory, const PrecisionPlan& precision) {
  const int64_t h = config.hidden_size;
  const size_t layers = static_cast<size_t>(std::max(config.num_hidden_layers, 0));
  BertWeights w;
  w.layers.resize(layers);
  // Part 0: embeddings; 1..layers: encoder layers; layers + 1: pooler and classifier. Each part has its own
  // reader (and scratch buffer), so parts can run on different threads.
  auto load_part = [&](size_t part) {
    const WeightReader r(file);
    if (part == 0) {
      const std::string word = r.resolve(names::kWordEmbeddings);
      const std::vector<int64_t> shape{config.vocab_size, h};
      std::optional<FileF32> in_file;
      if (!embeddings_in_memory) in_file = file.f32_in_file(word, shape);
      const size_t rows = static_cast<size_t>(config.vocab_size), width = static_cast<size_t>(h);
      w.word_embeddings = in_file ? EmbeddingTable(std::move(*in_file), rows, width)
                                  : EmbeddingTable(file.read_f32(word, shape), width);
      w.position_embeddings = r.read(names::kPositionEmbeddings, {config.max_position_embeddings, h});
      w.token_type_embeddings = r.read(names::kTokenTypeEmbeddings, {config.type_vocab_size, h});
      w.embedding_norm = r.norm(names::kEmbeddingNorm, h);
    } else if (part <= layers) {
      const std::string p = names::layer_prefix(part - 1);
      BertLayerWeights& l = w.layers[part - 1];
      for (const names::LayerTensorSpec& s : names::kLayerTensors) {
        if (s.linear != nullptr) {
          l.*s.linear = r.linear(p + s.name, names::size_of(s.out, config), names::size_of(s.in, config),
                                 precision.format_for(s.role));
        } else {
          l.*s.norm = r.norm(p + s.name, h);
        }
      }
    } else {
      const WeightFormat head_format = precision.format_for(LinearRole::Head);
      w.head.dense = r.linear(names::kPooler, h, h, head_format);
      w.head.activation = HeadActivation::Tanh;
      w.head.out = r.linear_top(names::kClassifier, config.num_labels, h, head_format);
    }
  };
  const size_t parts = layers + 2;
  std::vector<std::exception_ptr> errors(parts);
  auto body = [&](size_t b, size_t e) {
    for (size_t part = b; part < e; ++part) {
      try {
        load_part(part);
      } catch (...) {
        errors[part] = std::current_exception();
      }
    }
  };
  if (pool == nullptr || pool->size() <= 1) {
    body(0, parts);
  } else {
    pool->parallel_for(parts, 1, body);
  }
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  return w;
}

}  // namespace ce
