// The post-norm encoder stack over packed sequences, written once against an op set (fast or reference).
#include "model/blocks/post_norm_encoder.h"

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "model/blocks/scratch_slots.h"

namespace ce {

namespace encoder_tensors {
std::string layer_prefix(size_t layer) { return "encoder.layer." + std::to_string(layer) + "."; }
}  // namespace encoder_tensors

void check_linear(const PackedLinear& l, int64_t out, int64_t in, const std::string& name, const char* model) {
  if (l.out_features != out || l.in_features != in || l.bias.size() != static_cast<size_t>(out) ||
      l.packed.size_bytes() != packed_weights_bytes(l.format(), static_cast<int>(out), static_cast<int>(in)))
    throw Error(ErrorCode::InvalidArgument, std::string(model) + ": layer " + name + " is " +
                                                std::to_string(l.out_features) + "x" + std::to_string(l.in_features) +
                                                " (or unpacked), expected " + std::to_string(out) + "x" +
                                                std::to_string(in));
}

void check_encoder_layers(const EncoderShape& s, const std::vector<EncoderLayerWeights>& layers,
                          size_t expected_layers, const char* model) {
  if (s.hidden == 0 || s.heads == 0 || s.hidden % s.heads != 0)
    throw Error(ErrorCode::InvalidArgument, std::string(model) + ": hidden_size " + std::to_string(s.hidden) +
                                                " is not a positive multiple of num_attention_heads " +
                                                std::to_string(s.heads));
  if (layers.size() != expected_layers)
    throw Error(ErrorCode::InvalidArgument, std::string(model) + ": " + std::to_string(layers.size()) +
                                                " layers of weights but num_hidden_layers is " +
                                                std::to_string(expected_layers));
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string p = "layer " + std::to_string(i) + " ";
    for (const encoder_tensors::LayerTensorSpec& t : encoder_tensors::kLayerTensors) {
      if (t.linear != nullptr) {
        check_linear(layers[i].*t.linear, encoder_tensors::size_of(t.out, s), encoder_tensors::size_of(t.in, s),
                     p + t.name, model);
      } else {
        const LayerNormWeights& n = layers[i].*t.norm;
        if (n.gamma.size() != s.hidden || n.beta.size() != s.hidden)
          throw Error(ErrorCode::InvalidArgument, std::string(model) + ": LayerNorm " + p + t.name +
                                                      " does not have width " + std::to_string(s.hidden));
      }
    }
  }
}

namespace {

using namespace scratch_slots;

class Encoder {
 public:
  Encoder(const Ops& ops, const EncoderShape& shape, ForwardScratch& s, const AttentionVariant* attention)
      : ops_(ops), c_(shape), h_(shape.hidden), s_(s), attention_(attention) {}

  const float* run(const std::vector<EncoderLayerWeights>& layers, const std::vector<int32_t>& offsets) {
    const size_t seqs = offsets.size() - 1;
    const size_t rows = static_cast<size_t>(offsets.back());
    float* hs = s_.slot(kHs).data.get();
    first_offsets_.resize(seqs + 1);
    for (size_t s = 0; s <= seqs; ++s) first_offsets_[s] = static_cast<int32_t>(s);
    bool first_rows_only = false;
    for (size_t l = 0; l < layers.size(); ++l) {
      // After the last layer only each sequence's first row feeds the head, so (where the op set allows) that
      // layer computes queries, attention output and feed-forward for those rows alone (keys/values stay full).
      const bool first_only = ops_.head_rows_only() && l + 1 == layers.size();
      hs = layer(l, layers[l], offsets, hs, rows, first_only);
      first_rows_only = first_only;
    }
    return first_rows_only ? hs : gather_first(hs, offsets, s_.slot(kCls).get(seqs * h_));
  }

 private:
  float* gather_first(const float* hs, const std::vector<int32_t>& offsets, float* out) const {
    const size_t seqs = offsets.size() - 1;
    for (size_t s = 0; s < seqs; ++s) std::copy_n(hs + static_cast<size_t>(offsets[s]) * h_, h_, out + s * h_);
    return out;
  }

  // Runs one layer on hs (`rows` rows, in slot kHs) and returns its output, which is left in slot kHs.
  float* layer(size_t index, const EncoderLayerWeights& lw, const std::vector<int32_t>& offsets, float* hs,
               size_t rows, bool first_only) {
    const size_t seqs = offsets.size() - 1;
    float* k = s_.slot(kKvA).get(rows * h_);
    float* v = s_.slot(kKvB).get(rows * h_);
    const float* input = first_only ? gather_first(hs, offsets, s_.slot(kCls).get(seqs * h_)) : hs;
    const size_t qrows = first_only ? seqs : rows;
    float* q = s_.slot(kQ).get(qrows * h_);
    // Keys, values and (for every row) queries read the same input: one conversion of it for all three (ops.h).
    const PackedLinear* projections[3] = {&lw.key, &lw.value, &lw.query};
    float* outputs[3] = {k, v, q};
    ops_.linear_shared_input(projections, outputs, first_only ? 2 : 3, hs, rows);
    if (first_only) ops_.linear(lw.query, input, qrows, q);

    float* ctx = s_.slot(kCtx).get(qrows * h_);
    AttentionLayout layout{first_only ? &first_offsets_ : &offsets, &offsets, h_, c_.heads};
    layout.bf16_matmuls = lw.bf16_attention;
    if (attention_ != nullptr) {
      attention_->attend(ops_, index, lw, layout, q, k, v, ctx, s_);
    } else {
      ops_.attention(layout, q, k, v, ctx);
    }

    // Keys and values are consumed: their buffers take the attention output and the layer output.
    // Each LayerNorm runs on rows as the op that wrote them finishes them (ops.h).
    float* attn = k;
    const LayerNormParams attention_norm{lw.attention_norm.gamma.data(), lw.attention_norm.beta.data(),
                                         c_.layer_norm_eps};
    ops_.linear_residual_norm(lw.attention_output, ctx, input, qrows, attn, attention_norm);

    // Feed-forward: the op keeps the intermediate activations (4x wider than the hidden state) in cache between
    // the two GEMMs, per row range or per chunk (ops.h).
    float* out = v;
    const LayerNormParams output_norm{lw.output_norm.gamma.data(), lw.output_norm.beta.data(), c_.layer_norm_eps};
    ops_.feed_forward(lw.intermediate, lw.output, c_.activation, /*gated=*/false, attn, attn, qrows, out,
                      &output_norm, s_.slot(kInter));
    // The output becomes the next layer's input buffer; the old input buffer takes the next values.
    std::swap(s_.slot(kHs), s_.slot(kKvB));
    return out;
  }

  const Ops& ops_;
  const EncoderShape& c_;
  size_t h_;
  ForwardScratch& s_;
  const AttentionVariant* attention_;
  std::vector<int32_t> first_offsets_;
};

}  // namespace

const float* run_post_norm_encoder(const Ops& ops, const EncoderShape& shape,
                                   const std::vector<EncoderLayerWeights>& layers,
                                   const std::vector<int32_t>& offsets, ForwardScratch& scratch,
                                   const AttentionVariant* attention) {
  return Encoder(ops, shape, scratch, attention).run(layers, offsets);
}

}  // namespace ce
