// The ModernBERT tensor table's full list.
#include "model/modernbert/modernbert_tensors.h"

namespace ce::modernbert_tensors {

std::string layer_prefix(size_t layer) { return "layers." + std::to_string(layer) + "."; }

std::vector<TensorSpec> all(const ModernBertConfig& c) {
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  const std::string p = kPrefix;
  std::vector<TensorSpec> t;
  auto linear = [&](const std::string& name, int64_t out, int64_t in, bool bias) {
    t.push_back({name + ".weight", {out, in}});
    if (bias) t.push_back({name + ".bias", {out}});
  };
  auto norm = [&](const std::string& name) {
    t.push_back({name + ".weight", {h}});
    if (c.norm_bias) t.push_back({name + ".bias", {h}});
  };
  t.push_back({p + kTokEmbeddings, {c.vocab_size, h}});
  norm(p + kEmbeddingNorm);
  for (size_t i = 0; i < static_cast<size_t>(c.num_hidden_layers); ++i) {
    const std::string lp = p + layer_prefix(i);
    if (i > 0) norm(lp + kAttnNorm);
    linear(lp + kWqkv, 3 * h, h, c.attention_bias);
    linear(lp + kAttnOut, h, h, c.attention_bias);
    norm(lp + kMlpNorm);
    linear(lp + kMlpIn, 2 * inter, h, c.mlp_bias);
    linear(lp + kMlpOut, h, inter, c.mlp_bias);
  }
  norm(p + kFinalNorm);
  linear(kHeadDense, h, h, c.classifier_bias);
  norm(kHeadNorm);
  linear(kClassifier, c.num_labels, h, true);
  return t;
}

}  // namespace ce::modernbert_tensors
