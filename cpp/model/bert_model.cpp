// BERT encoder + pooler + classifier over packed sequences; one code path for the fast and reference kernels.
#include "model/bert_model.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <string>

#include "common/error.h"
#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/gemm_layout.h"
#include "kernels/layernorm.h"
#include "model/batch_check.h"

namespace ce {

namespace {

void check_linear(const PackedLinear& l, int out, int in, const std::string& name) {
  if (l.out_features != out || l.in_features != in || l.bias.size() != static_cast<size_t>(out) ||
      l.packed.size_bytes() != packed_weights_bytes(l.format(), out, in))
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

}  // namespace

// One growable, uninitialised float buffer: vector::resize would zero-fill every pass, and a fresh vector per
// layer would page-fault its pages in again (for b32x128 that memset and those faults were ~5% of the time).
struct ScratchBuffer {
  std::unique_ptr<float[]> data;
  size_t size = 0;
  float* get(size_t n) {
    if (n > size) {
      data.reset();  // release first, so peak memory does not hold old and new together
      data.reset(new float[n]);
      size = n;
    }
    return data.get();
  }
};

// A layer rotates these: hs (input), kv_a/kv_b (keys, values; then the attention output and the layer
// output, written after attention has consumed keys and values), q, ctx, inter (one feed-forward chunk),
// cls (gathered [CLS] rows). Five hidden-state-sized buffers live at once, as many as the per-layer vectors
// they replaced had at their peak.
struct ForwardScratch::Buffers {
  ScratchBuffer hs, kv_a, kv_b, q, ctx, inter, cls, pooled;
};

ForwardScratch::ForwardScratch() : buffers_(new Buffers) {}
ForwardScratch::~ForwardScratch() = default;

namespace {

// The forward pass, parameterised on whether it runs the fast (pooled) kernels or the reference ones.
class Forward {
 public:
  Forward(const BertConfig& c, const BertWeights& w, ThreadPool* pool, bool reference, ForwardScratch::Buffers& b)
      : c_(c), w_(w), pool_(pool), ref_(reference), h_(static_cast<size_t>(c.hidden_size)), b_(b) {}

  void run(const PackedBatch& batch, float* logits) {
    const size_t seqs = batch.num_sequences();
    if (seqs == 0) return;
    float* hs = embed(batch);
    cls_offsets_.resize(seqs + 1);
    for (size_t s = 0; s <= seqs; ++s) cls_offsets_[s] = static_cast<int32_t>(s);
    bool cls_rows_only = false;
    for (size_t l = 0; l < w_.layers.size(); ++l) {
      // Fast path: after the last layer only each sequence's [CLS] row feeds the pooler, so that layer
      // computes queries, attention output and feed-forward for those rows alone (keys/values stay full).
      const bool cls_only = !ref_ && l + 1 == w_.layers.size();
      hs = layer(w_.layers[l], batch.seq_offsets, hs, batch.input_ids.size(), cls_only);
      cls_rows_only = cls_only;
    }
    const float* cls = cls_rows_only ? hs : gather_cls(hs, batch.seq_offsets, b_.cls.get(seqs * h_));
    float* pooled = b_.pooled.get(seqs * h_);
    linear(w_.pooler, cls, seqs, pooled);
    tanh_inplace(pooled, seqs * h_);
    linear(w_.classifier, pooled, seqs, logits);
  }

 private:
  void linear(const PackedLinear& l, const float* x, size_t rows, float* y) const {
    if (ref_) {
      linear_reference(l, x, rows, y);
    } else {
      linear_forward(l, x, rows, y, pool_);
    }
  }

  // y = linear(x) + residual (BertSelfOutput / BertOutput before their LayerNorm). The fast path adds the
  // residual in the GEMM's store; both add (sum + bias) + residual, so the bits are the same.
  void residual_linear(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y) const {
    if (ref_) {
      linear_reference(l, x, rows, y);
      const size_t n = rows * static_cast<size_t>(l.out_features);
      for (size_t i = 0; i < n; ++i) y[i] += residual[i];
    } else {
      linear_forward(l, x, rows, y, pool_, GemmEpilogue::BiasResidual, residual);
    }
  }

  ThreadPool* pool() const { return ref_ ? nullptr : pool_; }

  float* embed(const PackedBatch& b) const {
    const size_t rows = b.input_ids.size();
    float* out = b_.hs.get(rows * h_);
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
    layer_norm(out, rows, h_, w_.embedding_norm.gamma.data(), w_.embedding_norm.beta.data(), c_.layer_norm_eps,
               pool());
    return out;
  }

  float* gather_cls(const float* hs, const std::vector<int32_t>& offsets, float* out) const {
    const size_t seqs = offsets.size() - 1;
    for (size_t s = 0; s < seqs; ++s) std::copy_n(hs + static_cast<size_t>(offsets[s]) * h_, h_, out + s * h_);
    return out;
  }

  // Runs one layer on hs (`rows` rows, in b_.hs) and returns its output, which is left in b_.hs.
  float* layer(const BertLayerWeights& lw, const std::vector<int32_t>& offsets, float* hs, size_t rows,
               bool cls_only) {
    const size_t seqs = offsets.size() - 1;
    float* k = b_.kv_a.get(rows * h_);
    float* v = b_.kv_b.get(rows * h_);
    linear(lw.key, hs, rows, k);
    linear(lw.value, hs, rows, v);

    const float* input = cls_only ? gather_cls(hs, offsets, b_.cls.get(seqs * h_)) : hs;
    const size_t qrows = cls_only ? seqs : rows;
    float* q = b_.q.get(qrows * h_);
    linear(lw.query, input, qrows, q);

    float* ctx = b_.ctx.get(qrows * h_);
    const AttentionLayout layout{cls_only ? &cls_offsets_ : &offsets, &offsets, h_,
                                 static_cast<size_t>(c_.num_attention_heads)};
    if (ref_) {
      attention_reference(layout, q, k, v, ctx);
    } else {
      attention_forward(layout, q, k, v, ctx, pool_);
    }

    // Keys and values are consumed: their buffers take the attention output and the layer output.
    float* attn = k;
    residual_linear(lw.attention_output, ctx, input, qrows, attn);
    layer_norm(attn, qrows, h_, lw.attention_norm.gamma.data(), lw.attention_norm.beta.data(), c_.layer_norm_eps,
               pool());

    // Feed-forward in row chunks: the intermediate activations (4x wider than the hidden state) of one chunk
    // stay in cache between the two GEMMs and scratch stays small. Rows are independent in both GEMMs and in
    // the activation, so chunking changes no bits.
    const size_t inter_w = static_cast<size_t>(c_.intermediate_size);
    float* inter = b_.inter.get(std::min(qrows, kFeedForwardRows) * inter_w);
    float* out = v;
    for (size_t r0 = 0; r0 < qrows; r0 += kFeedForwardRows) {
      const size_t n = std::min(kFeedForwardRows, qrows - r0);
      if (ref_) {
        linear_reference(lw.intermediate, attn + r0 * h_, n, inter);
        hidden_activation_reference(c_.hidden_act, inter, n * inter_w);
      } else if (c_.hidden_act == HiddenActivation::GeluErf) {
        // GELU in the GEMM's store, while each tile is in cache (same bits as the separate pass).
        linear_forward(lw.intermediate, attn + r0 * h_, n, inter, pool_, GemmEpilogue::BiasGeluErf);
      } else {
        linear_forward(lw.intermediate, attn + r0 * h_, n, inter, pool_);
        hidden_activation(c_.hidden_act, inter, n * inter_w, pool_);
      }
      residual_linear(lw.output, inter, attn + r0 * h_, n, out + r0 * h_);
    }
    layer_norm(out, qrows, h_, lw.output_norm.gamma.data(), lw.output_norm.beta.data(), c_.layer_norm_eps, pool());
    // The output becomes the next layer's input buffer; the old input buffer takes the next values.
    std::swap(b_.hs, b_.kv_b);
    return out;
  }

  const BertConfig& c_;
  const BertWeights& w_;
  ThreadPool* pool_;
  bool ref_;
  size_t h_;
  ForwardScratch::Buffers& b_;
  std::vector<int32_t> cls_offsets_;
};

}  // namespace

struct BertModel::ScratchPool {
  std::mutex mutex;
  std::vector<std::unique_ptr<ForwardScratch>> free;
};

BertModel::BertModel(BertModel&&) noexcept = default;
BertModel::~BertModel() = default;

std::unique_ptr<ForwardScratch> BertModel::take_scratch() const {
  {
    std::lock_guard<std::mutex> lock(scratch_pool_->mutex);
    if (!scratch_pool_->free.empty()) {
      std::unique_ptr<ForwardScratch> s = std::move(scratch_pool_->free.back());
      scratch_pool_->free.pop_back();
      return s;
    }
  }
  return std::make_unique<ForwardScratch>();
}

void BertModel::return_scratch(std::unique_ptr<ForwardScratch> scratch) const {
  if (scratch == nullptr) return;
  std::lock_guard<std::mutex> lock(scratch_pool_->mutex);
  scratch_pool_->free.push_back(std::move(scratch));
}

BertModel::BertModel(BertConfig config, BertWeights weights)
    : config_(std::move(config)), weights_(std::move(weights)), scratch_pool_(new ScratchPool) {
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
    const auto& l = w.layers[i];
    const std::string p = "layer " + std::to_string(i) + " ";
    check_linear(l.query, c.hidden_size, c.hidden_size, p + "query");
    check_linear(l.key, c.hidden_size, c.hidden_size, p + "key");
    check_linear(l.value, c.hidden_size, c.hidden_size, p + "value");
    check_linear(l.attention_output, c.hidden_size, c.hidden_size, p + "attention.output.dense");
    check_linear(l.intermediate, c.intermediate_size, c.hidden_size, p + "intermediate.dense");
    check_linear(l.output, c.hidden_size, c.intermediate_size, p + "output.dense");
    check_norm(l.attention_norm, c.hidden_size, p + "attention.output.LayerNorm");
    check_norm(l.output_norm, c.hidden_size, p + "output.LayerNorm");
  }
  check_linear(w.pooler, c.hidden_size, c.hidden_size, "pooler.dense");
  check_linear(w.classifier, c.num_labels, c.hidden_size, "classifier");
}

void BertModel::forward(const PackedBatch& batch, float* logits, ThreadPool* pool, ForwardScratch* scratch) const {
  validate_packed_batch(batch, config_);
  ForwardScratch local;
  Forward(config_, weights_, pool, false, (scratch != nullptr ? *scratch : local).buffers()).run(batch, logits);
}

void BertModel::forward_reference(const PackedBatch& batch, float* logits) const {
  validate_packed_batch(batch, config_);
  ForwardScratch local;
  Forward(config_, weights_, nullptr, true, local.buffers()).run(batch, logits);
}

}  // namespace ce
