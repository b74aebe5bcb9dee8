// DeBERTa-v2/v3 assembled from the shared blocks: its embeddings, the post-norm encoder with the disentangled
// attention variant, the classification head (ContextPooler: first token -> dense -> pooler_hidden_act -> classifier).
#include "model/deberta/deberta_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/error.h"
#include "model/blocks/scratch_slots.h"

namespace ce {

namespace {

constexpr const char* kModel = "DebertaModel";

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::InvalidArgument, std::string(kModel) + ": " + what); }

void check_norm(const LayerNormWeights& n, int width, const std::string& name) {
  if (n.gamma.size() != static_cast<size_t>(width) || n.beta.size() != static_cast<size_t>(width))
    bad("LayerNorm " + name + " does not have width " + std::to_string(width));
}

void check_size(size_t size, int64_t rows, int64_t width, const std::string& name) {
  if (size != static_cast<size_t>(rows * width))
    bad(name + " has " + std::to_string(size) + " values, expected " + std::to_string(rows) + "x" + std::to_string(width));
}

EncoderShape encoder_shape(const DebertaConfig& c) {
  EncoderShape s;
  s.hidden = static_cast<size_t>(c.hidden_size);
  s.heads = static_cast<size_t>(c.num_attention_heads);
  s.intermediate = static_cast<size_t>(c.intermediate_size);
  s.layer_norm_eps = c.layer_norm_eps;
  s.activation = c.hidden_act;
  return s;
}

// DebertaV2Embeddings: (word + position) + token type in the embedding width, embed_proj, LayerNorm; the rows are
// left in slot kHs. Not the shared embeddings block: HF adds in another order ((word + type) + position there) and
// projects before the LayerNorm (ELECTRA after). The attention-mask multiply is by 1 for every real token, so
// packed rows skip it.
void embed(const Ops& ops, const DebertaConfig& c, const DebertaWeights& w, const PackedBatch& b, ForwardScratch& s) {
  using namespace scratch_slots;
  const size_t rows = b.input_ids.size(), h = static_cast<size_t>(c.hidden_size);
  const size_t e = static_cast<size_t>(c.embedding_size);
  float* hs = s.slot(kHs).get(rows * h);
  float* out = w.embed_proj ? s.slot(kEmbed).get(rows * e) : hs;
  for (size_t seq = 0; seq + 1 < b.seq_offsets.size(); ++seq) {
    for (int32_t r = b.seq_offsets[seq]; r < b.seq_offsets[seq + 1]; ++r) {
      float* o = out + static_cast<size_t>(r) * e;
      const float* word = w.word_embeddings.row(static_cast<size_t>(b.input_ids[r]), o);  // from the file: into o
      if (word != o) std::copy_n(word, e, o);
      if (c.position_biased_input) {
        const float* pos = w.position_embeddings.data() + static_cast<size_t>(r - b.seq_offsets[seq]) * e;
        for (size_t i = 0; i < e; ++i) o[i] += pos[i];
      }
      if (c.type_vocab_size > 0) {
        const float* type = w.token_type_embeddings.data() + static_cast<size_t>(b.token_type_ids[r]) * e;
        for (size_t i = 0; i < e; ++i) o[i] += type[i];
      }
    }
  }
  if (w.embed_proj) ops.linear(*w.embed_proj, out, rows, hs);
  ops.layer_norm(hs, rows, h, w.embedding_norm.gamma.data(), w.embedding_norm.beta.data(), c.layer_norm_eps);
}

}  // namespace

ModelInfo deberta_model_info(const DebertaConfig& c) {
  ModelInfo info;
  info.family = "deberta-v2";
  info.architecture = c.architecture;
  info.num_labels = c.num_labels;
  info.labels = c.labels;
  // With absolute positions the table bounds the length; without (v3), HF's relative buckets accept any length
  // but the checkpoint was trained to max_position_embeddings, which its tokenizer's model_max_length mirrors.
  info.max_sequence_length = static_cast<size_t>(c.max_position_embeddings);
  info.vocab_size = static_cast<size_t>(c.vocab_size);
  info.type_vocab_size = static_cast<size_t>(c.type_vocab_size);
  info.uses_token_type_ids = c.type_vocab_size > 0;  // v3: no type embeddings, the ids are never read
  info.st_activation_fn = c.st_activation_fn;
  return info;
}

DebertaModel::~DebertaModel() = default;

DebertaModel::DebertaModel(DebertaConfig config, DebertaWeights weights)
    : SequenceClassifier(deberta_model_info(config)),
      config_(std::move(config)),
      weights_(std::move(weights)),
      shape_(encoder_shape(config_)),
      attention_(config_, weights_.rel_embeddings, weights_.relative, positions_) {
  const DebertaConfig& c = config_;
  const DebertaWeights& w = weights_;
  check_encoder_layers(shape_, w.layers, static_cast<size_t>(c.num_hidden_layers), kModel);
  const int64_t h = c.hidden_size, e = c.embedding_size;
  check_size(w.word_embeddings.size(), c.vocab_size, e, "word_embeddings");
  check_size(w.position_embeddings.size(), c.position_biased_input ? c.max_position_embeddings : 0, e,
             "position_embeddings");
  check_size(w.token_type_embeddings.size(), c.type_vocab_size, e, "token_type_embeddings");
  if (e != h) {
    if (!w.embed_proj) bad("embed_proj is missing (embedding_size " + std::to_string(e) + " != hidden_size)");
    check_linear(*w.embed_proj, h, e, "embeddings.embed_proj", kModel);
  }
  check_norm(w.embedding_norm, c.hidden_size, "embeddings.LayerNorm");
  check_size(w.rel_embeddings.size(), c.relative_attention ? c.relative_embedding_rows() : 0, h, "rel_embeddings");
  if (w.relative.size() != w.layers.size()) bad("relative projections for " + std::to_string(w.relative.size()) + " layers");
  if (c.relative_attention && !c.share_att_key) {
    for (size_t i = 0; i < w.relative.size(); ++i) {
      const std::string p = "layer " + std::to_string(i) + " ";
      if (c.c2p && !w.relative[i].pos_key) bad(p + "pos_key_proj is missing");
      if (c.p2c && !w.relative[i].pos_query) bad(p + "pos_query_proj is missing");
      if (c.c2p) check_linear(*w.relative[i].pos_key, h, h, p + "pos_key_proj", kModel);
      if (c.p2c) check_linear(*w.relative[i].pos_query, h, h, p + "pos_query_proj", kModel);
    }
  }
  check_linear(w.head.dense, h, h, "pooler.dense", kModel);
  check_linear(w.head.out, c.num_labels, h, "classifier", kModel);
  if (c.relative_attention)
    positions_ = make_relative_position_index(static_cast<size_t>(c.max_position_embeddings), c.position_buckets,
                                              c.max_relative_positions);
  else
    positions_.max_length = static_cast<size_t>(c.max_position_embeddings);
}

void DebertaModel::run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const {
  const size_t seqs = batch.num_sequences(), h = shape_.hidden;
  embed(ops, config_, weights_, batch, scratch);
  const float* first = run_post_norm_encoder(ops, shape_, weights_.layers, batch.seq_offsets, scratch, &attention_);
  weights_.head.run(ops, first, seqs, scratch.slot(scratch_slots::kPooled).get(seqs * h), logits);
}

std::vector<LinearLayerFormat> DebertaModel::linear_layer_formats() const {
  std::vector<LinearLayerFormat> out;
  if (weights_.embed_proj)
    out.push_back(linear_layer_format("embeddings.embed_proj", LinearRole::Head, *weights_.embed_proj));
  for (size_t i = 0; i < weights_.layers.size(); ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    const EncoderLayerWeights& l = weights_.layers[i];
    out.push_back(linear_layer_format(p + "attention.self.query_proj", LinearRole::Query, l.query));
    out.push_back(linear_layer_format(p + "attention.self.key_proj", LinearRole::Key, l.key));
    out.push_back(linear_layer_format(p + "attention.self.value_proj", LinearRole::Value, l.value));
    const DebertaRelativeProjections& rel = weights_.relative[i];
    if (rel.pos_key)
      out.push_back(linear_layer_format(p + "attention.self.pos_key_proj", LinearRole::Key, *rel.pos_key));
    if (rel.pos_query)
      out.push_back(linear_layer_format(p + "attention.self.pos_query_proj", LinearRole::Query, *rel.pos_query));
    out.push_back(linear_layer_format(p + "attention.output.dense", LinearRole::AttentionOutput, l.attention_output));
    out.push_back(linear_layer_format(p + "intermediate.dense", LinearRole::Intermediate, l.intermediate));
    out.push_back(linear_layer_format(p + "output.dense", LinearRole::Output, l.output));
  }
  out.push_back(linear_layer_format("pooler.dense", LinearRole::Head, weights_.head.dense));
  out.push_back(linear_layer_format("classifier", LinearRole::Head, weights_.head.out));
  return out;
}

}  // namespace ce
