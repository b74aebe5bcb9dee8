// The BERT tensor names and their full list.
#include "model/bert/bert_tensors.h"

#include "model/blocks/post_norm_encoder.h"

namespace ce::bert_tensors {

EncoderTensorNames names() {
  EncoderTensorNames n;
  n.base_prefix = kPrefix;
  n.head_dense = kPooler;
  n.head_dense_in_base = true;
  n.head_out = kClassifier;
  return n;
}

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
  EncoderShape shape;
  shape.hidden = static_cast<size_t>(c.hidden_size);
  shape.intermediate = static_cast<size_t>(c.intermediate_size);
  for (size_t i = 0; i < static_cast<size_t>(c.num_hidden_layers); ++i) {
    const std::string lp = p + encoder_tensors::layer_prefix(i);
    for (const encoder_tensors::LayerTensorSpec& s : encoder_tensors::kLayerTensors) {
      if (s.linear != nullptr) {
        linear(lp + s.name, encoder_tensors::size_of(s.out, shape), encoder_tensors::size_of(s.in, shape));
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
