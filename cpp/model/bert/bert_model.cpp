// BERT encoder + pooler head over packed sequences, written once against an op set (fast or reference).
#include "model/bert/bert_model.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/error.h"
#include "model/bert/bert_tensors.h"

namespace ce {

namespace {

namespace names = bert_tensors;

void check_linear(const PackedLinear& l, int64_t out, int64_t in, const std::string& name) {
  if (l.out_features != out || l.in_features != in || l.bias.size() != static_cast<size_t>(out) ||
      l.packed.size_bytes() != packed_weights_bytes(l.format(), static_cast<int>(out), static_cast<int>(in)))
    throw Error(ErrorCode::InvalidArgument, "BertModel: layer " + name + " is " + std::to_string(l.out_features) +
                                                "x" + std::to_string(l.in_features) + " (or unpacked), expected " +
                                                std::to_string(out) + "x" + std::to_string(in));
}

void check_norm(const LayerNormWeights& n, int width, const std::string& name) {
  if (n.gamma.size() != static_cast<size_t>(width) || n.beta.size() != static_cast<size_t>(width))
    throw Error(ErrorCode::InvalidArgument, "BertModel: LayerNorm " + name + " does not have width " +
                                                std::to_string(width));
}

template <typename Table>
void check_table(const Table& t, int rows, int width, const std::string& name) {
  if (t.size() != static_cast<size_t>(rows) * width)
    throw Error(ErrorCode::InvalidArgument, "BertModel: embedding table " + name + " has " +
                                                std::to_string(t.size()) + " values, expected " +
                                                std::to_string(rows) + "x" + std::to_string(width));
}

// Rows per feed-forward chunk: 448 x 1536 floats (2.6 MB) for MiniLM's intermediate layer, and 8 GEMM row tasks
// of 56 rows, an even split over 2 or 4 threads.
constexpr size_t kFeedForwardRows = 448;

// Scratch slots of a BERT pass. A layer rotates them: hs (input), kv_a/kv_b (keys, values; then the attention
// output and the layer output, written after attention has consumed keys and values), q, ctx, inter (one
// feed-forward chunk), cls (gathered [CLS] rows), pooled (the head's work rows). Five hidden-state-sized buffers
// live at once.
enum Slot : size_t { kHs, kKvA, kKvB, kQ, kCtx, kInter, kCls, kPooled };

// One forward pass over a validated batch.
class Forward {
 public:
  Forward(const BertConfig& c, const BertWeights& w, const Ops& ops, ForwardScratch& s)
      : c_(c), w_(w), ops_(ops), h_(static_cast<size_t>(c.hidden_size)), s_(s) {}

  void run(const PackedBatch& batch, float* logits) {
    const size_t seqs = batch.num_sequences();
    float* hs = embed(batch);
    cls_offsets_.resize(seqs + 1);
    for (size_t s = 0; s <= seqs; ++s) cls_offsets_[s] = static_cast<int32_t>(s);
    bool cls_rows_only = false;
    for (size_t l = 0; l < w_.layers.size(); ++l) {
      // After the last layer only each sequence's [CLS] row feeds the head, so (where the op set allows) that
      // layer computes queries, attention output and feed-forward for those rows alone (keys/values stay full).
      const bool cls_only = ops_.head_rows_only() && l + 1 == w_.layers.size();
      hs = layer(w_.layers[l], batch.seq_offsets, hs, batch.input_ids.size(), cls_only);
      cls_rows_only = cls_only;
    }
    const float* cls = cls_rows_only ? hs : gather_cls(hs, batch.seq_offsets, s_.slot(kCls).get(seqs * h_));
    w_.head.run(ops_, cls, seqs, s_.slot(kPooled).get(seqs * h_), logits);
  }

 private:
  float* embed(const PackedBatch& b) const {
    const size_t rows = b.input_ids.size();
    float* out = s_.slot(kHs).get(rows * h_);
    for (size_t s = 0; s + 1 < b.seq_offsets.size(); ++s) {
      for (int32_t r = b.seq_offsets[s]; r < b.seq_offsets[s + 1]; ++r) {
        float* o = out + static_cast<size_t>(r) * h_;
        // A table read from the file lands in the output row itself.
        const float* word = w_.word_embeddings.row(static_cast<size_t>(b.input_ids[r]), o);
        const float* type = w_.token_type_embeddings.data() + static_cast<size_t>(b.token_type_ids[r]) * h_;
        const float* pos = w_.position_embeddings.data() + static_cast<size_t>(r - b.seq_offsets[s]) * h_;
        // Same association as HF BertEmbeddings: (word + token_type) + position.
        for (size_t i = 0; i < h_; ++i) o[i] = (word[i] + type[i]) + pos[i];
      }
    }
    ops_.layer_norm(out, rows, h_, w_.embedding_norm.gamma.data(), w_.embedding_norm.beta.data(), c_.layer_norm_eps);
    return out;
  }

  float* gather_cls(const float* hs, const std::vector<int32_t>& offsets, float* out) const {
    const size_t seqs = offsets.size() - 1;
    for (size_t s = 0; s < seqs; ++s) std::copy_n(hs + static_cast<size_t>(offsets[s]) * h_, h_, out + s * h_);
    return out;
  }

  // Runs one layer on hs (`rows` rows, in slot kHs) and returns its output, which is left in slot kHs.
  float* layer(const BertLayerWeights& lw, const std::vector<int32_t>& offsets, float* hs, size_t rows,
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
    ops_.attention(layout, q, k, v, ctx);

    // Keys and values are consumed: their buffers take the attention output and the layer output.
    float* attn = k;
    ops_.linear_residual(lw.attention_output, ctx, input, qrows, attn);
    ops_.layer_norm(attn, qrows, h_, lw.attention_norm.gamma.data(), lw.attention_norm.beta.data(), c_.layer_norm_eps);

    // Feed-forward in row chunks: the intermediate activations (4x wider than the hidden state) of one chunk
    // stay in cache between the two GEMMs and scratch stays small. Rows are independent in both GEMMs and in
    // the activation, so chunking changes no bits.
    const size_t inter_w = static_cast<size_t>(c_.intermediate_size);
    float* inter = s_.slot(kInter).get(std::min(qrows, kFeedForwardRows) * inter_w);
    float* out = v;
    for (size_t r0 = 0; r0 < qrows; r0 += kFeedForwardRows) {
      const size_t n = std::min(kFeedForwardRows, qrows - r0);
      ops_.linear_activation(lw.intermediate, attn + r0 * h_, n, inter, c_.hidden_act);
      ops_.linear_residual(lw.output, inter, attn + r0 * h_, n, out + r0 * h_);
    }
    ops_.layer_norm(out, qrows, h_, lw.output_norm.gamma.data(), lw.output_norm.beta.data(), c_.layer_norm_eps);
    // The output becomes the next layer's input buffer; the old input buffer takes the next values.
    std::swap(s_.slot(kHs), s_.slot(kKvB));
    return out;
  }

  const BertConfig& c_;
  const BertWeights& w_;
  const Ops& ops_;
  size_t h_;
  ForwardScratch& s_;
  std::vector<int32_t> cls_offsets_;
};

}  // namespace

ModelInfo bert_model_info(const BertConfig& c) {
  ModelInfo info;
  info.family = "bert";
  info.architecture = c.architecture;
  info.num_labels = c.num_labels;
  info.labels = c.labels;
  info.max_sequence_length = static_cast<size_t>(c.max_position_embeddings);
  info.vocab_size = static_cast<size_t>(c.vocab_size);
  info.type_vocab_size = static_cast<size_t>(c.type_vocab_size);
  info.st_activation_fn = c.st_activation_fn;
  return info;
}

BertModel::BertModel(BertModel&&) noexcept = default;
BertModel::~BertModel() = default;

BertModel::BertModel(BertConfig config, BertWeights weights)
    : SequenceClassifier(bert_model_info(config)), config_(std::move(config)), weights_(std::move(weights)) {
  const BertConfig& c = config_;
  const BertWeights& w = weights_;
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    throw Error(ErrorCode::InvalidArgument, "BertModel: hidden_size " + std::to_string(c.hidden_size) +
                                                " is not a positive multiple of num_attention_heads " +
                                                std::to_string(c.num_attention_heads));
  check_table(w.word_embeddings, c.vocab_size, c.hidden_size, "word_embeddings");
  check_table(w.position_embeddings, c.max_position_embeddings, c.hidden_size, "position_embeddings");
  check_table(w.token_type_embeddings, c.type_vocab_size, c.hidden_size, "token_type_embeddings");
  check_norm(w.embedding_norm, c.hidden_size, "embeddings.LayerNorm");
  if (w.layers.size() != static_cast<size_t>(c.num_hidden_layers))
    throw Error(ErrorCode::InvalidArgument, "BertModel: " + std::to_string(w.layers.size()) +
                                                " layers of weights but num_hidden_layers is " +
                                                std::to_string(c.num_hidden_layers));
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const std::string p = "layer " + std::to_string(i) + " ";
    for (const names::LayerTensorSpec& s : names::kLayerTensors) {
      if (s.linear != nullptr) {
        check_linear(w.layers[i].*s.linear, names::size_of(s.out, c), names::size_of(s.in, c), p + s.name);
      } else {
        check_norm(w.layers[i].*s.norm, c.hidden_size, p + s.name);
      }
    }
  }
  check_linear(w.head.dense, c.hidden_size, c.hidden_size, names::kPooler);
  check_linear(w.head.out, c.num_labels, c.hidden_size, names::kClassifier);
}

void BertModel::run(const Ops& ops, const PackedBatch& batch, float* logits, ForwardScratch& scratch) const {
  Forward(config_, weights_, ops, scratch).run(batch, logits);
}

}  // namespace ce
