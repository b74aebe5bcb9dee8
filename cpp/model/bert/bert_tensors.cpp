// The BERT tensor table's shapes and its full list.
#include "model/bert/bert_tensors.h"

namespace ce::bert_tensors {

int64_t size_of(Dim dim, const BertConfig& c) {
  switch (dim) {
    case Dim::Hidden: return c.hidden_size;
    case Dim::Intermediate: return c.intermediate_size;
    case Dim::Labels: return c.num_labels;
    case Dim::Vocab: return c.vocab_size;
    case Dim::Positions: return c.max_position_embeddings;
    case Dim::TokenTypes: return c.type_vocab_size;
  }
  return 0;
}

std::string layer_prefix(size_t layer) { return "encoder.layer." + std::to_string(layer) + "."; }

std::vector<TensorSpec> all(const BertConfig& c) {
  const int64_t h = c.hidden_size;
  const std::string p = kPrefix;
  std::vector<TensorSpec> t;
  auto linear = [&](const std::string& name, int64_t out, int64_t in) {
    t.push_back({name + ".weight", {out, in}});
    t.push_back({name + ".bias", {out}});
  };
  auto norm = [&](const std::string& name) {
    t.push_back({name + ".weight", {h}});
    t.push_back({name + ".bias", {h}});
  };
  t.push_back({p + kWordEmbeddings, {c.vocab_size, h}});
  t.push_back({p + kPositionEmbeddings, {c.max_position_embeddings, h}});
  t.push_back({p + kTokenTypeEmbeddings, {c.type_vocab_size, h}});
  norm(p + kEmbeddingNorm);
  for (size_t i = 0; i < static_cast<size_t>(c.num_hidden_layers); ++i) {
    const std::string lp = p + layer_prefix(i);
    for (const LayerTensorSpec& s : kLayerTensors) {
      if (s.linear != nullptr) {
        linear(lp + s.name, size_of(s.out, c), size_of(s.in, c));
      } else {
        norm(lp + s.name);
      }
    }
  }
  linear(p + kPooler, h, h);
  linear(kClassifier, c.num_labels, h);
  return t;
}

}  // namespace ce::bert_tensors
