// The relative-position projections of one layer and the disentangled-attention op call.
#include "model/deberta/disentangled_attention_variant.h"

#include <algorithm>
#include <climits>

#include "model/blocks/scratch_slots.h"
#include "model/deberta/deberta_weights.h"

namespace ce {

void DisentangledAttentionVariant::attend(const Ops& ops, size_t layer, const EncoderLayerWeights& weights,
                                          const AttentionLayout& layout, const float* q, const float* k,
                                          const float* v, float* ctx, ForwardScratch& scratch) const {
  RelativeAttention rel;
  rel.scale = c_.attention_scale();
  rel.max_length = std::max<size_t>(positions_.max_length, 1);
  const std::vector<int32_t>& offsets = *layout.kv_offsets;
  size_t longest = 0;
  for (size_t s = 0; s + 1 < offsets.size(); ++s)
    longest = std::max(longest, static_cast<size_t>(offsets[s + 1] - offsets[s]));
  if (c_.relative_attention && (c_.c2p || c_.p2c) && longest > 0 && longest <= positions_.max_length) {
    // The rows the index tables give for distances within the longest sequence: a contiguous range.
    const size_t last = positions_.max_length - 1;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t at = last + 1 - longest; at <= last + longest - 1; ++at) {
      if (c_.c2p) lo = std::min(lo, positions_.c2p[at]), hi = std::max(hi, positions_.c2p[at]);
      if (c_.p2c) lo = std::min(lo, positions_.p2c[at]), hi = std::max(hi, positions_.p2c[at]);
    }
    const size_t h = layout.hidden, rows = static_cast<size_t>(hi - lo + 1);
    rel.first_row = static_cast<size_t>(lo);
    rel.positions = rows;
    rel.c2p_index = positions_.c2p.data();
    rel.p2c_index = positions_.p2c.data();
    const float* embeddings = rel_embeddings_.data() + rel.first_row * h;
    const DebertaRelativeProjections& own = projections_.at(layer);
    if (c_.c2p) {
      float* pos_key = scratch.slot(scratch_slots::kVariantA).get(rows * h);
      ops.linear(c_.share_att_key ? weights.key : *own.pos_key, embeddings, rows, pos_key);
      rel.pos_key = pos_key;
    }
    if (c_.p2c) {
      float* pos_query = scratch.slot(scratch_slots::kVariantB).get(rows * h);
      ops.linear(c_.share_att_key ? weights.query : *own.pos_query, embeddings, rows, pos_query);
      rel.pos_query = pos_query;
    }
  }
  // Sequences past the tables were rejected by the batch validation; the op checks its layout again anyway.
  ops.disentangled_attention(layout, rel, q, k, v, ctx);
}

}  // namespace ce
