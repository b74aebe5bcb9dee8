// DeBERTa-v2/v3 encoder (disentangled attention, post-norm layers) + ContextPooler head over packed sequences,
// written once against an op set (fast or reference).
#include "model/deberta/deberta_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/error.h"

namespace ce {

namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::InvalidArgument, "DebertaModel: " + what); }

void check_linear(const PackedLinear& l, int64_t out, int64_t in, const std::string& name) {
  if (l.out_features != out || l.in_features != in || l.bias.size() != static_cast<size_t>(out) ||
      l.packed.size_bytes() != packed_weights_bytes(l.format(), static_cast<int>(out), static_cast<int>(in)))
    bad("layer " + name + " is " + std::to_string(l.out_features) + "x" + std::to_string(l.in_features) +
        " (or unpacked), expected " + std::to_string(out) + "x" + std::to_string(in));
}

void check_norm(const DebertaNorm& n, int width, const std::string& name) {
  if (n.gamma.size() != static_cast<size_t>(width) || n.beta.size() != static_cast<size_t>(width))
    bad("LayerNorm " + name + " does not have width " + std::to_string(width));
}

void check_size(size_t size, int64_t rows, int64_t width, const std::string& name) {
  if (size != static_cast<size_t>(rows * width))
    bad(name + " has " + std::to_string(size) + " values, expected " + std::to_string(rows) + "x" + std::to_string(width));
}

// Rows per feed-forward chunk, as BERT: the intermediate activations of one chunk stay in cache between the GEMMs.
constexpr size_t kFeedForwardRows = 448;

// Scratch slots of a pass. A layer rotates hs (input), kv_a/kv_b (keys, values; then the attention output and
// the layer output), q, ctx, inter (one feed-forward chunk); pos_key / pos_query hold this layer's projections of
// the relative embeddings; cls and pooled serve the head; embed holds embeddings narrower than the hidden state.
enum Slot : size_t { kHs, kKvA, kKvB, kQ, kCtx, kInter, kCls, kPooled, kEmbed, kPosKey, kPosQuery };

class Forward {
 public:
  Forward(const DebertaConfig& c, const DebertaWeights& w, const RelativePositionIndex& p, const Ops& ops,
          ForwardScratch& s)
      : c_(c), w_(w), p_(p), ops_(ops), h_(static_cast<size_t>(c.hidden_size)), s_(s) {}

  void run(const PackedBatch& batch, float* logits) {
    const size_t seqs = batch.num_sequences();
    float* hs = embed(batch);
    cls_offsets_.resize(seqs + 1);
    for (size_t s = 0; s <= seqs; ++s) cls_offsets_[s] = static_cast<int32_t>(s);
    if (c_.relative_attention) choose_position_rows(batch);
    bool cls_rows_only = false;
    for (size_t l = 0; l < w_.layers.size(); ++l) {
      // After the last layer only each sequence's first token feeds the pooler, so (where the op set allows) that
      // layer computes queries, attention output and feed-forward for those rows alone.
      const bool cls_only = ops_.head_rows_only() && l + 1 == w_.layers.size();
      hs = layer(w_.layers[l], batch.seq_offsets, hs, batch.input_ids.size(), cls_only);
      cls_rows_only = cls_only;
    }
    const float* cls = cls_rows_only ? hs : gather_cls(hs, batch.seq_offsets, s_.slot(kCls).get(seqs * h_));
    w_.head.run(ops_, cls, seqs, s_.slot(kPooled).get(seqs * h_), logits);
  }

 private:
  // DebertaV2Embeddings: (word + position) + token type in the embedding width, embed_proj, LayerNorm. The
  // attention-mask multiply is by 1 for every real token, so packed rows skip it.
  float* embed(const PackedBatch& b) const {
    const size_t rows = b.input_ids.size();
    const size_t e = static_cast<size_t>(c_.embedding_size);
    float* hs = s_.slot(kHs).get(rows * h_);
    float* out = w_.embed_proj ? s_.slot(kEmbed).get(rows * e) : hs;
    for (size_t s = 0; s + 1 < b.seq_offsets.size(); ++s) {
      for (int32_t r = b.seq_offsets[s]; r < b.seq_offsets[s + 1]; ++r) {
        float* o = out + static_cast<size_t>(r) * e;
        const float* word = w_.word_embeddings.row(static_cast<size_t>(b.input_ids[r]), o);
        if (word != o) std::copy_n(word, e, o);
        if (c_.position_biased_input) {
          const float* pos = w_.position_embeddings.data() + static_cast<size_t>(r - b.seq_offsets[s]) * e;
          for (size_t i = 0; i < e; ++i) o[i] += pos[i];
        }
        if (c_.type_vocab_size > 0) {
          const float* type = w_.token_type_embeddings.data() + static_cast<size_t>(b.token_type_ids[r]) * e;
          for (size_t i = 0; i < e; ++i) o[i] += type[i];
        }
      }
    }
    if (w_.embed_proj) ops_.linear(*w_.embed_proj, out, rows, hs);
    ops_.layer_norm(hs, rows, h_, w_.embedding_norm.gamma.data(), w_.embedding_norm.beta.data(), c_.layer_norm_eps);
    return hs;
  }

  // The rows of the relative embeddings this batch reads (those of distances within its longest sequence): only
  // they are projected each layer. A row's projection does not depend on which other rows are computed.
  void choose_position_rows(const PackedBatch& b) {
    size_t longest = 1;
    for (size_t s = 0; s + 1 < b.seq_offsets.size(); ++s)
      longest = std::max(longest, static_cast<size_t>(b.seq_offsets[s + 1] - b.seq_offsets[s]));
    const size_t last = p_.max_length - 1;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t at = last + 1 - longest; at <= last + longest - 1; ++at) {
      if (c_.c2p) lo = std::min(lo, p_.c2p[at]), hi = std::max(hi, p_.c2p[at]);
      if (c_.p2c) lo = std::min(lo, p_.p2c[at]), hi = std::max(hi, p_.p2c[at]);
    }
    first_row_ = lo <= hi ? static_cast<size_t>(lo) : 0;
    row_count_ = lo <= hi ? static_cast<size_t>(hi - lo + 1) : 0;
  }

  float* gather_cls(const float* hs, const std::vector<int32_t>& offsets, float* out) const {
    const size_t seqs = offsets.size() - 1;
    for (size_t s = 0; s < seqs; ++s) std::copy_n(hs + static_cast<size_t>(offsets[s]) * h_, h_, out + s * h_);
    return out;
  }

  // This layer's relative-position terms: the held rows of the (normalised) relative embeddings through the
  // key / query projections (shared with the content ones when share_att_key).
  RelativeAttention relative_terms(const DebertaLayerWeights& lw) {
    RelativeAttention rel;
    rel.scale = c_.attention_scale();
    rel.max_length = std::max<size_t>(p_.max_length, 1);
    if (!c_.relative_attention || row_count_ == 0) return rel;
    rel.first_row = first_row_;
    rel.positions = row_count_;
    rel.c2p_index = p_.c2p.data();
    rel.p2c_index = p_.p2c.data();
    const float* rows = w_.rel_embeddings.data() + first_row_ * h_;
    if (c_.c2p) {
      float* pk = s_.slot(kPosKey).get(row_count_ * h_);
      ops_.linear(c_.share_att_key ? lw.key : *lw.pos_key, rows, row_count_, pk);
      rel.pos_key = pk;
    }
    if (c_.p2c) {
      float* pq = s_.slot(kPosQuery).get(row_count_ * h_);
      ops_.linear(c_.share_att_key ? lw.query : *lw.pos_query, rows, row_count_, pq);
      rel.pos_query = pq;
    }
    return rel;
  }

  // Runs one layer on hs (`rows` rows, in slot kHs) and returns its output, which is left in slot kHs.
  float* layer(const DebertaLayerWeights& lw, const std::vector<int32_t>& offsets, float* hs, size_t rows,
               bool cls_only) {
    const size_t seqs = offsets.size() - 1;
    float* k = s_.slot(kKvA).get(rows * h_);
    float* v = s_.slot(kKvB).get(rows * h_);
    ops_.linear(lw.key, hs, rows, k);
    ops_.linear(lw.value, hs, rows, v);
    const float* input = cls_only ? gather_cls(hs, offsets, s_.slot(kCls).get(seqs * h_)) : hs;
    const size_t qrows = cls_only ? seqs : rows;
    float* q = s_.slot(kQ).get(qrows * h_);
    ops_.linear(lw.query, input, qrows, q);

    float* ctx = s_.slot(kCtx).get(qrows * h_);
    const AttentionLayout layout{cls_only ? &cls_offsets_ : &offsets, &offsets, h_,
                                 static_cast<size_t>(c_.num_attention_heads)};
    ops_.disentangled_attention(layout, relative_terms(lw), q, k, v, ctx);

    // Keys and values are consumed: their buffers take the attention output and the layer output.
    float* attn = k;
    ops_.linear_residual(lw.attention_output, ctx, input, qrows, attn);
    ops_.layer_norm(attn, qrows, h_, lw.attention_norm.gamma.data(), lw.attention_norm.beta.data(), c_.layer_norm_eps);
    const size_t inter_w = static_cast<size_t>(c_.intermediate_size);
    float* inter = s_.slot(kInter).get(std::min(qrows, kFeedForwardRows) * inter_w);
    float* out = v;
    for (size_t r0 = 0; r0 < qrows; r0 += kFeedForwardRows) {
      const size_t n = std::min(kFeedForwardRows, qrows - r0);
      ops_.linear_activation(lw.intermediate, attn + r0 * h_, n, inter, c_.hidden_act);
      ops_.linear_residual(lw.output, inter, attn + r0 * h_, n, out + r0 * h_);
    }
    ops_.layer_norm(out, qrows, h_, lw.output_norm.gamma.data(), lw.output_norm.beta.data(), c_.layer_norm_eps);
    std::swap(s_.slot(kHs), s_.slot(kKvB));
    return out;
  }

  const DebertaConfig& c_;
  const DebertaWeights& w_;
  const RelativePositionIndex& p_;
  const Ops& ops_;
  size_t h_;
  ForwardScratch& s_;
  std::vector<int32_t> cls_offsets_;
  size_t first_row_ = 0, row_count_ = 0;
};

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
  info.st_activation_fn = c.st_activation_fn;
  return info;
}

DebertaModel::DebertaModel(DebertaModel&&) noexcept = default;
DebertaModel::~DebertaModel() = default;

DebertaModel::DebertaModel(DebertaConfig config, DebertaWeights weights)
    : SequenceClassifier(deberta_model_info(config)), config_(std::move(config)), weights_(std::move(weights)) {
  const DebertaConfig& c = config_;
  const DebertaWeights& w = weights_;
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    bad("hidden_size " + std::to_string(c.hidden_size) + " is not a positive multiple of num_attention_heads " +
        std::to_string(c.num_attention_heads));
  const int64_t h = c.hidden_size, e = c.embedding_size;
  check_size(w.word_embeddings.size(), c.vocab_size, e, "word_embeddings");
  check_size(w.position_embeddings.size(), c.position_biased_input ? c.max_position_embeddings : 0, e,
             "position_embeddings");
  check_size(w.token_type_embeddings.size(), c.type_vocab_size, e, "token_type_embeddings");
  if (e != h) {
    if (!w.embed_proj) bad("embed_proj is missing (embedding_size " + std::to_string(e) + " != hidden_size)");
    check_linear(*w.embed_proj, h, e, "embeddings.embed_proj");
  }
  check_norm(w.embedding_norm, c.hidden_size, "embeddings.LayerNorm");
  check_size(w.rel_embeddings.size(), c.relative_attention ? c.relative_embedding_rows() : 0, h, "rel_embeddings");
  if (w.layers.size() != static_cast<size_t>(c.num_hidden_layers))
    bad(std::to_string(w.layers.size()) + " layers of weights but num_hidden_layers is " +
        std::to_string(c.num_hidden_layers));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const DebertaLayerWeights& l = w.layers[i];
    const std::string p = "layer " + std::to_string(i) + " ";
    check_linear(l.query, h, h, p + "query_proj");
    check_linear(l.key, h, h, p + "key_proj");
    check_linear(l.value, h, h, p + "value_proj");
    if (c.relative_attention && !c.share_att_key) {
      if (c.c2p && !l.pos_key) bad(p + "pos_key_proj is missing");
      if (c.p2c && !l.pos_query) bad(p + "pos_query_proj is missing");
      if (c.c2p) check_linear(*l.pos_key, h, h, p + "pos_key_proj");
      if (c.p2c) check_linear(*l.pos_query, h, h, p + "pos_query_proj");
    }
    check_linear(l.attention_output, h, h, p + "attention.output.dense");
    check_norm(l.attention_norm, c.hidden_size, p + "attention.output.LayerNorm");
    check_linear(l.intermediate, c.intermediate_size, h, p + "intermediate.dense");
    check_linear(l.output, h, c.intermediate_size, p + "output.dense");
    check_norm(l.output_norm, c.hidden_size, p + "output.LayerNorm");
  }
  check_linear(w.head.dense, h, h, "pooler.dense");
  check_linear(w.head.out, c.num_labels, h, "classifier");
  if (c.relative_attention)
    positions_ = make_relative_position_index(static_cast<size_t>(c.max_position_embeddings), c.position_buckets,
                                              c.max_relative_positions);
  else
    positions_.max_length = static_cast<size_t>(c.max_position_embeddings);
}

void DebertaModel::run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const {
  Forward(config_, weights_, positions_, ops, scratch).run(batch, logits);
}

}  // namespace ce
