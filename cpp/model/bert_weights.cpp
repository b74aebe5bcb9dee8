// Loads BertForSequenceClassification tensors by their Hugging Face names and packs the Linear layers.
#include <algorithm>
#include <exception>
#include <string>

#include "common/error.h"
#include "io/safetensors_checkpoint.h"
#include "model/bert_model.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

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
      for (const std::string& prefix : {std::string("bert."), std::string()}) {
        if (file_.find(prefix + candidate) != nullptr) return prefix + candidate;
      }
    }
    throw Error(ErrorCode::MissingTensor,
                "tensor 'bert." + name + "' (or '" + name + "') is missing from " + file_.path());
  }

  void read_into(const std::string& name, const std::vector<int64_t>& shape, float* out) const {
    file_.read_f32_into(resolve(name), shape, out);
  }

  PackedLinear linear(const std::string& base, int64_t out, int64_t in) const {
    // The PyTorch-layout weight only passes through `scratch_` on its way to the packed layout: one buffer
    // for all layers instead of a fresh allocation (and its page faults) per layer.
    const size_t count = static_cast<size_t>(out * in);
    if (scratch_.size() < count) scratch_.resize(count);
    read_into(base + ".weight", {out, in}, scratch_.data());
    std::vector<float> bias = read(base + ".bias", {out});
    return pack_linear(scratch_.data(), std::move(bias), static_cast<int>(out), static_cast<int>(in));
  }

  // Classifier head: top-level names only.
  PackedLinear linear_top(const std::string& base, int64_t out, int64_t in) const {
    for (const char* part : {".weight", ".bias"})
      if (file_.find(base + part) == nullptr)
        throw Error(ErrorCode::MissingTensor, "tensor '" + base + part + "' is missing from " + file_.path());
    const size_t count = static_cast<size_t>(out * in);
    if (scratch_.size() < count) scratch_.resize(count);
    file_.read_f32_into(base + ".weight", {out, in}, scratch_.data());
    std::vector<float> bias = file_.read_f32(base + ".bias", {out});
    return pack_linear(scratch_.data(), std::move(bias), static_cast<int>(out), static_cast<int>(in));
  }

  LayerNormWeights norm(const std::string& base, int64_t width) const {
    LayerNormWeights w;
    w.gamma = read(base + ".weight", {width}, base + ".gamma");
    w.beta = read(base + ".bias", {width}, base + ".beta");
    return w;
  }

 private:
  const SafetensorsCheckpoint& file_;
  mutable std::vector<float> scratch_;
};

}  // namespace

EmbeddingTable::EmbeddingTable(std::vector<float> values, size_t width)
    : values_(std::move(values)), rows_(width > 0 ? values_.size() / width : 0), width_(width) {}

EmbeddingTable::EmbeddingTable(FileF32 file, size_t rows, size_t width)
    : file_(std::move(file)), rows_(rows), width_(width) {}

const float* EmbeddingTable::row(size_t r, float* buf) const {
  if (!file_) return values_.data() + r * width_;
  pread_exact(*file_->fd, file_->path, file_->offset + r * width_ * sizeof(float), buf, width_ * sizeof(float));
  return buf;
}

BertWeights load_bert_weights(const SafetensorsCheckpoint& file, const BertConfig& config, ThreadPool* pool,
                              bool embeddings_in_memory) {
  const int64_t h = config.hidden_size, inter = config.intermediate_size;
  const size_t layers = static_cast<size_t>(std::max(config.num_hidden_layers, 0));
  BertWeights w;
  w.layers.resize(layers);
  // Part 0: embeddings; 1..layers: encoder layers; layers + 1: pooler and classifier. Each part has its own
  // reader (and scratch buffer), so parts can run on different threads.
  auto load_part = [&](size_t part) {
    const WeightReader r(file);
    if (part == 0) {
      const std::string word = r.resolve("embeddings.word_embeddings.weight");
      const std::vector<int64_t> shape{config.vocab_size, h};
      std::optional<FileF32> in_file;
      if (!embeddings_in_memory) in_file = file.f32_in_file(word, shape);
      const size_t rows = static_cast<size_t>(config.vocab_size), width = static_cast<size_t>(h);
      w.word_embeddings = in_file ? EmbeddingTable(std::move(*in_file), rows, width)
                                  : EmbeddingTable(file.read_f32(word, shape), width);
      w.position_embeddings = r.read("embeddings.position_embeddings.weight", {config.max_position_embeddings, h});
      w.token_type_embeddings = r.read("embeddings.token_type_embeddings.weight", {config.type_vocab_size, h});
      w.embedding_norm = r.norm("embeddings.LayerNorm", h);
    } else if (part <= layers) {
      const std::string p = "encoder.layer." + std::to_string(part - 1) + ".";
      BertLayerWeights& l = w.layers[part - 1];
      l.query = r.linear(p + "attention.self.query", h, h);
      l.key = r.linear(p + "attention.self.key", h, h);
      l.value = r.linear(p + "attention.self.value", h, h);
      l.attention_output = r.linear(p + "attention.output.dense", h, h);
      l.attention_norm = r.norm(p + "attention.output.LayerNorm", h);
      l.intermediate = r.linear(p + "intermediate.dense", inter, h);
      l.output = r.linear(p + "output.dense", h, inter);
      l.output_norm = r.norm(p + "output.LayerNorm", h);
    } else {
      w.pooler = r.linear("pooler.dense", h, h);
      w.classifier = r.linear_top("classifier", config.num_labels, h);
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
