// Loads BertForSequenceClassification tensors by their Hugging Face names and packs the Linear layers.
#include <string>

#include "common/error.h"
#include "io/safetensors.h"
#include "model/bert_model.h"

namespace ce {

namespace {

// Resolves HF names: checkpoints saved from BertForSequenceClassification carry a `bert.` prefix, bare
// BertModel checkpoints do not; old TF-converted ones call LayerNorm's parameters gamma/beta.
class WeightReader {
 public:
  WeightReader(const SafetensorsFile& file) : file_(file) {}

  std::vector<float> read(const std::string& name, const std::vector<int64_t>& shape,
                          const std::string& legacy_name = "") const {
    for (const std::string& candidate : {name, legacy_name}) {
      if (candidate.empty()) continue;
      for (const std::string& prefix : {std::string("bert."), std::string()}) {
        if (file_.find(prefix + candidate) != nullptr) return file_.read_f32(prefix + candidate, shape);
      }
    }
    throw Error(ErrorCode::MissingTensor,
                "tensor 'bert." + name + "' (or '" + name + "') is missing from " + file_.path());
  }

  // Top-level (un-prefixed) tensor, e.g. the classifier head.
  std::vector<float> read_top(const std::string& name, const std::vector<int64_t>& shape) const {
    if (file_.find(name) == nullptr)
      throw Error(ErrorCode::MissingTensor, "tensor '" + name + "' is missing from " + file_.path());
    return file_.read_f32(name, shape);
  }

  PackedLinear linear(const std::string& base, int64_t out, int64_t in) const {
    // Separate statements: argument evaluation order is unspecified, and errors should name the weight first.
    std::vector<float> weight = read(base + ".weight", {out, in});
    std::vector<float> bias = read(base + ".bias", {out});
    return pack_linear(std::move(weight), std::move(bias), static_cast<int>(out), static_cast<int>(in));
  }

  LayerNormWeights norm(const std::string& base, int64_t width) const {
    LayerNormWeights w;
    w.gamma = read(base + ".weight", {width}, base + ".gamma");
    w.beta = read(base + ".bias", {width}, base + ".beta");
    return w;
  }

 private:
  const SafetensorsFile& file_;
};

}  // namespace

BertWeights load_bert_weights(const SafetensorsFile& file, const BertConfig& config) {
  const WeightReader r(file);
  const int64_t h = config.hidden_size, inter = config.intermediate_size;
  BertWeights w;
  w.word_embeddings = r.read("embeddings.word_embeddings.weight", {config.vocab_size, h});
  w.position_embeddings = r.read("embeddings.position_embeddings.weight", {config.max_position_embeddings, h});
  w.token_type_embeddings = r.read("embeddings.token_type_embeddings.weight", {config.type_vocab_size, h});
  w.embedding_norm = r.norm("embeddings.LayerNorm", h);
  w.layers.reserve(static_cast<size_t>(config.num_hidden_layers));
  for (int i = 0; i < config.num_hidden_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    BertLayerWeights l;
    l.query = r.linear(p + "attention.self.query", h, h);
    l.key = r.linear(p + "attention.self.key", h, h);
    l.value = r.linear(p + "attention.self.value", h, h);
    l.attention_output = r.linear(p + "attention.output.dense", h, h);
    l.attention_norm = r.norm(p + "attention.output.LayerNorm", h);
    l.intermediate = r.linear(p + "intermediate.dense", inter, h);
    l.output = r.linear(p + "output.dense", h, inter);
    l.output_norm = r.norm(p + "output.LayerNorm", h);
    w.layers.push_back(std::move(l));
  }
  w.pooler = r.linear("pooler.dense", h, h);
  std::vector<float> cls_weight = r.read_top("classifier.weight", {config.num_labels, h});
  std::vector<float> cls_bias = r.read_top("classifier.bias", {config.num_labels});
  w.classifier = pack_linear(std::move(cls_weight), std::move(cls_bias), config.num_labels, static_cast<int>(h));
  return w;
}

}  // namespace ce
