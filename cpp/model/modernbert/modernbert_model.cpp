// ModernBERT encoder (pre-norm layers, RoPE, alternating global / sliding-window attention, GeGLU MLP) + pooling
// head over packed sequences, written once against an op set (fast or reference). Follows transformers 5.23's
// modeling_modernbert.py: ModernBertEmbeddings, ModernBertEncoderLayer, ModernBertModel.final_norm,
// ModernBertForSequenceClassification (classifier_pooling, ModernBertPredictionHead, classifier).
#include "model/modernbert/modernbert_model.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.h"
#include "kernels/rotary.h"
#include "model/blocks/sequence_pooling.h"

namespace ce {

namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::InvalidArgument, "ModernBertModel: " + what); }

void check_linear(const PackedLinear& l, int64_t out, int64_t in, const std::string& name) {
  if (l.out_features != out || l.in_features != in || l.bias.size() != static_cast<size_t>(out) ||
      l.packed.size_bytes() != packed_weights_bytes(l.format(), static_cast<int>(out), static_cast<int>(in)))
    bad("layer " + name + " is " + std::to_string(l.out_features) + "x" + std::to_string(l.in_features) +
        " (or unpacked), expected " + std::to_string(out) + "x" + std::to_string(in));
}

void check_norm(const LayerNormWeights& n, int width, const std::string& name) {
  if (n.gamma.size() != static_cast<size_t>(width) || n.beta.size() != static_cast<size_t>(width))
    bad("LayerNorm " + name + " does not have width " + std::to_string(width));
}

// Scratch slots. hs: the residual stream; normed: the normed layer input (then the next hidden state); k, v; q;
// ctx; res (the query rows' residual when only [CLS] rows are computed); mlp (the MLP's [input | gate] rows and
// gated values where the op materialises them, one chunk at a time); pooled, head (the head's rows).
enum Slot : size_t { kHs, kNormed, kK, kV, kQ, kCtx, kRes, kMlp, kPooled, kHead };

class Forward {
 public:
  Forward(const ModernBertConfig& c, const ModernBertWeights& w, const Ops& ops, ForwardScratch& s)
      : c_(c), w_(w), ops_(ops), h_(static_cast<size_t>(c.hidden_size)), s_(s) {}

  void run(const PackedBatch& batch, float* logits) {
    const size_t seqs = batch.num_sequences();
    const size_t rows = batch.input_ids.size();
    size_t longest = 0;
    for (size_t s = 0; s < seqs; ++s)
      longest = std::max(longest, static_cast<size_t>(batch.seq_offsets[s + 1] - batch.seq_offsets[s]));
    // cos/sin for the positions this batch uses only: a table for the config's 8192 positions would be paid for
    // by every model, and a hostile config's max_position_embeddings could ask for gigabytes.
    const size_t hd = static_cast<size_t>(c_.head_dim());
    global_rope_ = RotaryTable(c_.global_rope_theta, hd, longest);
    local_rope_ = RotaryTable(c_.local_rope_theta, hd, longest);
    first_rows_.resize(seqs + 1);
    for (size_t s = 0; s <= seqs; ++s) first_rows_[s] = static_cast<int32_t>(s);

    float* hs = embed(batch);
    // With [CLS] pooling only each sequence's first row feeds the head, so (where the op set allows) the last layer
    // computes queries, attention output and MLP for those rows alone (keys and values stay full).
    const bool cls_pooling = c_.classifier_pooling == SequencePooling::First;
    bool first_rows_only = false;
    for (size_t l = 0; l < w_.layers.size(); ++l) {
      first_rows_only = cls_pooling && ops_.head_rows_only() && l + 1 == w_.layers.size();
      hs = layer(l, batch.seq_offsets, hs, rows, first_rows_only);
    }
    const size_t out_rows = first_rows_only ? seqs : rows;
    ops_.layer_norm(hs, out_rows, h_, w_.final_norm.gamma.data(), w_.final_norm.beta.data(), c_.norm_eps);
    float* pooled = s_.slot(kPooled).get(seqs * h_);
    pool_sequences(c_.classifier_pooling, hs, first_rows_only ? first_rows_ : batch.seq_offsets, h_, pooled);
    w_.head.run(ops_, pooled, seqs, s_.slot(kHead).get(seqs * h_), logits);
  }

 private:
  // tok_embeddings -> norm (no position or token-type embeddings: positions enter through RoPE).
  float* embed(const PackedBatch& b) const {
    const size_t rows = b.input_ids.size();
    float* out = s_.slot(kHs).get(rows * h_);
    for (size_t r = 0; r < rows; ++r) {
      float* o = out + r * h_;
      const float* word = w_.tok_embeddings.row(static_cast<size_t>(b.input_ids[r]), o);
      if (word != o) std::memcpy(o, word, h_ * sizeof(float));
    }
    ops_.layer_norm(out, rows, h_, w_.embedding_norm.gamma.data(), w_.embedding_norm.beta.data(), c_.norm_eps);
    return out;
  }

  // dst = LayerNorm(src) (layer 0's attn_norm is the identity: a copy).
  void norm_into(const LayerNormWeights& n, const float* src, size_t rows, float* dst) const {
    std::memcpy(dst, src, rows * h_ * sizeof(float));
    if (!n.gamma.empty()) ops_.layer_norm(dst, rows, h_, n.gamma.data(), n.beta.data(), c_.norm_eps);
  }

  void gather_first_rows(const float* src, const std::vector<int32_t>& offsets, float* dst) const {
    for (size_t s = 0; s + 1 < offsets.size(); ++s)
      std::memcpy(dst + s * h_, src + static_cast<size_t>(offsets[s]) * h_, h_ * sizeof(float));
  }

  // One pre-norm layer: h += Wo(attention(attn_norm(h))); h += mlp(mlp_norm(h)). Returns the output (left in slot
  // kHs); with `first_rows_only` it has one row per sequence.
  float* layer(size_t index, const std::vector<int32_t>& offsets, float* hs, size_t rows, bool first_rows_only) {
    const ModernBertLayerWeights& lw = w_.layers[index];
    const bool global = c_.global_layers[index];
    const RotaryTable& rope = global ? global_rope_ : local_rope_;
    const size_t seqs = offsets.size() - 1;

    float* normed = s_.slot(kNormed).get(rows * h_);
    norm_into(lw.attn_norm, hs, rows, normed);
    float* k = s_.slot(kK).get(rows * h_);
    float* v = s_.slot(kV).get(rows * h_);

    const size_t qrows = first_rows_only ? seqs : rows;
    const std::vector<int32_t>& q_offsets = first_rows_only ? first_rows_ : offsets;
    const float* residual = hs;
    const float* q_input = normed;
    if (first_rows_only) {
      float* res = s_.slot(kRes).get(2 * seqs * h_);
      gather_first_rows(hs, offsets, res);
      gather_first_rows(normed, offsets, res + seqs * h_);
      residual = res;
      q_input = res + seqs * h_;
    }
    float* q = s_.slot(kQ).get(qrows * h_);
    // Keys, values and (for every row) queries read the same normed input: one conversion of it for all three.
    const PackedLinear* projections[3] = {&lw.key, &lw.value, &lw.query};
    float* outputs[3] = {k, v, q};
    ops_.linear_shared_input(projections, outputs, first_rows_only ? 2 : 3, normed, rows);
    if (first_rows_only) ops_.linear(lw.query, q_input, qrows, q);
    ops_.rotary(rope, k, offsets, h_);
    ops_.rotary(rope, q, q_offsets, h_);

    float* ctx = s_.slot(kCtx).get(qrows * h_);
    AttentionLayout layout{&q_offsets, &offsets, h_, static_cast<size_t>(c_.num_attention_heads)};
    if (!global) layout.window = c_.attention_window();
    layout.bf16_matmuls = lw.bf16_attention;
    ops_.attention(layout, q, k, v, ctx);

    // Keys and values are consumed: k takes the attention block's output, v the MLP's normed input.
    float* attn = k;
    ops_.linear_residual(lw.attn_out, ctx, residual, qrows, attn);
    float* mlp_in = v;
    norm_into(lw.mlp_norm, attn, qrows, mlp_in);

    // The GeGLU MLP as one op: Wi's [input | gate] rows stay in cache until Wo reads act(input) * gate (ops.h).
    float* out = normed;  // the layer input is consumed: it takes the output
    ops_.feed_forward(lw.mlp_in, lw.mlp_out, c_.hidden_activation, /*gated=*/true, mlp_in, attn, qrows, out,
                      /*norm=*/nullptr, s_.slot(kMlp));
    std::swap(s_.slot(kHs), s_.slot(kNormed));
    return out;
  }

  const ModernBertConfig& c_;
  const ModernBertWeights& w_;
  const Ops& ops_;
  size_t h_;
  ForwardScratch& s_;
  RotaryTable global_rope_, local_rope_;
  std::vector<int32_t> first_rows_;  // 0, 1, ..., seqs: one row per sequence
};

}  // namespace

ModelInfo modernbert_model_info(const ModernBertConfig& c) {
  ModelInfo info;
  info.family = "modernbert";
  info.architecture = c.architecture;
  info.num_labels = c.num_labels;
  info.labels = c.labels;
  info.max_sequence_length = static_cast<size_t>(c.max_position_embeddings);
  info.vocab_size = static_cast<size_t>(c.vocab_size);
  // ModernBERT has no token-type embeddings and its tokenizers return no type ids: whatever the tokenizer's
  // template assigns is ignored.
  info.uses_token_type_ids = false;
  info.st_activation_fn = c.st_activation_fn;
  return info;
}

ModernBertModel::ModernBertModel(ModernBertModel&&) noexcept = default;
ModernBertModel::~ModernBertModel() = default;

ModernBertModel::ModernBertModel(ModernBertConfig config, ModernBertWeights weights)
    : SequenceClassifier(modernbert_model_info(config)), config_(std::move(config)), weights_(std::move(weights)) {
  const ModernBertConfig& c = config_;
  const ModernBertWeights& w = weights_;
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0 ||
      c.head_dim() % 2 != 0)
    bad("hidden_size " + std::to_string(c.hidden_size) + " is not a positive multiple of num_attention_heads " +
        std::to_string(c.num_attention_heads) + " with an even head size (RoPE rotates pairs)");
  if (c.local_attention < 0) bad("local_attention must not be negative");
  if (!(c.global_rope_theta > 0) || !(c.local_rope_theta > 0)) bad("rope theta must be positive");
  if (c.global_layers.size() != static_cast<size_t>(c.num_hidden_layers))
    bad(std::to_string(c.global_layers.size()) + " layer types for " + std::to_string(c.num_hidden_layers) +
        " layers");
  if (w.tok_embeddings.size() != static_cast<size_t>(c.vocab_size) * static_cast<size_t>(c.hidden_size))
    bad("tok_embeddings has " + std::to_string(w.tok_embeddings.size()) + " values, expected " +
        std::to_string(c.vocab_size) + "x" + std::to_string(c.hidden_size));
  check_norm(w.embedding_norm, c.hidden_size, "embeddings.norm");
  if (w.layers.size() != static_cast<size_t>(c.num_hidden_layers))
    bad(std::to_string(w.layers.size()) + " layers of weights but num_hidden_layers is " +
        std::to_string(c.num_hidden_layers));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const ModernBertLayerWeights& l = w.layers[i];
    const std::string p = "layers." + std::to_string(i) + ".";
    if (i > 0 || !l.attn_norm.gamma.empty()) check_norm(l.attn_norm, c.hidden_size, p + "attn_norm");
    check_linear(l.query, c.hidden_size, c.hidden_size, p + "attn.Wqkv (query)");
    check_linear(l.key, c.hidden_size, c.hidden_size, p + "attn.Wqkv (key)");
    check_linear(l.value, c.hidden_size, c.hidden_size, p + "attn.Wqkv (value)");
    check_linear(l.attn_out, c.hidden_size, c.hidden_size, p + "attn.Wo");
    check_norm(l.mlp_norm, c.hidden_size, p + "mlp_norm");
    check_linear(l.mlp_in, 2 * int64_t{c.intermediate_size}, c.hidden_size, p + "mlp.Wi");
    check_linear(l.mlp_out, c.hidden_size, c.intermediate_size, p + "mlp.Wo");
  }
  check_norm(w.final_norm, c.hidden_size, "final_norm");
  check_linear(w.head.dense, c.hidden_size, c.hidden_size, "head.dense");
  check_norm(w.head.norm, c.hidden_size, "head.norm");
  check_linear(w.head.out, c.num_labels, c.hidden_size, "classifier");
}

void ModernBertModel::run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const {
  Forward(config_, weights_, ops, scratch).run(batch, logits);
}

std::vector<LinearLayerFormat> ModernBertModel::linear_layer_formats() const {
  std::vector<LinearLayerFormat> out;
  for (size_t i = 0; i < weights_.layers.size(); ++i) {
    const std::string p = "layers." + std::to_string(i) + ".";
    const ModernBertLayerWeights& l = weights_.layers[i];
    out.push_back(linear_layer_format(p + "attn.Wqkv (query)", LinearRole::Query, l.query));
    out.push_back(linear_layer_format(p + "attn.Wqkv (key)", LinearRole::Key, l.key));
    out.push_back(linear_layer_format(p + "attn.Wqkv (value)", LinearRole::Value, l.value));
    out.push_back(linear_layer_format(p + "attn.Wo", LinearRole::AttentionOutput, l.attn_out));
    out.push_back(linear_layer_format(p + "mlp.Wi", LinearRole::Intermediate, l.mlp_in));
    out.push_back(linear_layer_format(p + "mlp.Wo", LinearRole::Output, l.mlp_out));
  }
  out.push_back(linear_layer_format("head.dense", LinearRole::Head, weights_.head.dense));
  out.push_back(linear_layer_format("classifier", LinearRole::Head, weights_.head.out));
  return out;
}

}  // namespace ce
