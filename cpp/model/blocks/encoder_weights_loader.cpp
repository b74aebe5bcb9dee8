// Resolves HF tensor names (with or without the base-model prefix, legacy LayerNorm names) and packs the layers.
#include "model/blocks/encoder_weights_loader.h"

#include <exception>
#include <optional>
#include <vector>

#include "common/error.h"
#include "io/safetensors_checkpoint.h"
#include "model/blocks/parallel_parts.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

class WeightReader {
 public:
  WeightReader(const SafetensorsCheckpoint& file, const std::string& prefix) : file_(file), prefix_(prefix) {}

  std::vector<float> read(const std::string& name, const std::vector<int64_t>& shape,
                          const std::string& legacy_name = "") const {
    return file_.read_f32(resolve(name, legacy_name), shape);
  }

  // The stored name of base-model tensor `name` (with or without the prefix, or its legacy form); throws
  // MissingTensor.
  std::string resolve(const std::string& name, const std::string& legacy_name = "") const {
    for (const std::string& candidate : {name, legacy_name}) {
      if (candidate.empty()) continue;
      for (const std::string& prefix : {prefix_, std::string()}) {
        if (file_.find(prefix + candidate) != nullptr) return prefix + candidate;
      }
    }
    throw Error(ErrorCode::MissingTensor,
                "tensor '" + prefix_ + name + "' (or '" + name + "') is missing from " + file_.path());
  }

  // A base-model Linear layer (prefix optional). The weight is read (and its shape checked) before the bias.
  PackedLinear linear(const std::string& base, int64_t out, int64_t in, WeightFormat format) const {
    const float* weight = read_weight(resolve(base + ".weight"), out, in);
    return pack_linear(weight, read(base + ".bias", {out}), static_cast<int>(out), static_cast<int>(in), format);
  }

  // A head layer outside the base model: top-level names only.
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
  const std::string& prefix_;
  mutable std::vector<float> scratch_;
};

}  // namespace

EncoderClassifierWeights load_encoder_classifier_weights(const SafetensorsCheckpoint& file,
                                                         const EncoderClassifierSpec& spec,
                                                         const EncoderTensorNames& names, HeadActivation activation,
                                                         ThreadPool* pool, bool embeddings_in_memory,
                                                         const PrecisionPlan& precision) {
  const EmbeddingsShape& es = spec.embeddings;
  const int64_t h = static_cast<int64_t>(spec.encoder.hidden), e = static_cast<int64_t>(es.width);
  const size_t layers = spec.layers;
  EncoderClassifierWeights w;
  w.layers.resize(layers);
  // Part 0: embeddings; 1..layers: encoder layers; layers + 1: the head. Each part has its own reader (and
  // scratch buffer), so parts can run on different threads.
  auto load_part = [&](size_t part) {
    const WeightReader r(file, names.base_prefix);
    if (part == 0) {
      EmbeddingsWeights& ew = w.embeddings;
      const std::string word = r.resolve(kWordEmbeddings);
      const std::vector<int64_t> shape{static_cast<int64_t>(es.vocab), e};
      std::optional<FileF32> in_file;
      if (!embeddings_in_memory) in_file = file.f32_in_file(word, shape);
      ew.word = in_file ? EmbeddingTable(std::move(*in_file), es.vocab, es.width)
                        : EmbeddingTable(file.read_f32(word, shape), es.width);
      ew.position = r.read(kPositionEmbeddings, {static_cast<int64_t>(es.positions), e});
      ew.token_type = r.read(kTokenTypeEmbeddings, {static_cast<int64_t>(es.token_types), e});
      ew.norm = r.norm(kEmbeddingNorm, e);
      // ELECTRA's embedding projection is not an encoder Linear: it goes with the head (fp32 by default).
      if (e != h) ew.projection = r.linear(names.embeddings_project, h, e, precision.format_for(LinearRole::Head));
    } else if (part <= layers) {
      const std::string p = encoder_tensors::layer_prefix(part - 1);
      EncoderLayerWeights& l = w.layers[part - 1];
      l.bf16_attention = precision.attention_format() == WeightFormat::BF16;
      for (const encoder_tensors::LayerTensorSpec& t : encoder_tensors::kLayerTensors) {
        if (t.linear != nullptr) {
          l.*t.linear = r.linear(p + t.name, encoder_tensors::size_of(t.out, spec.encoder),
                                 encoder_tensors::size_of(t.in, spec.encoder), precision.format_for(t.role));
        } else {
          l.*t.norm = r.norm(p + t.name, h);
        }
      }
    } else {
      const WeightFormat head = precision.format_for(LinearRole::Head);
      w.head.dense = names.head_dense_in_base ? r.linear(names.head_dense, h, h, head)
                                              : r.linear_top(names.head_dense, h, h, head);
      w.head.activation = activation;
      w.head.out = r.linear_top(names.head_out, static_cast<int64_t>(spec.num_labels), h, head);
    }
  };
  load_parts_in_parallel(layers + 2, pool, load_part);
  return w;
}

}  // namespace ce
