// DeBERTa's attention as a variant of the shared post-norm encoder: each layer projects the relative embeddings it
// needs and runs the disentangled-attention op instead of scaled dot-product attention.
#pragma once

#include <vector>

#include "model/blocks/post_norm_encoder.h"
#include "model/deberta/deberta_config.h"
#include "model/deberta/relative_positions.h"

namespace ce {

struct DebertaRelativeProjections;

class DisentangledAttentionVariant final : public AttentionVariant {
 public:
  // References, not copies: the model owns all four and outlives the variant.
  DisentangledAttentionVariant(const DebertaConfig& config, const std::vector<float>& rel_embeddings,
                               const std::vector<DebertaRelativeProjections>& projections,
                               const RelativePositionIndex& positions)
      : c_(config), rel_embeddings_(rel_embeddings), projections_(projections), positions_(positions) {}

  // Projects only the rows of the relative embeddings that the batch's longest sequence reads (a row's projection
  // does not depend on which other rows are computed, so scores do not depend on the batch).
  void attend(const Ops& ops, size_t layer, const EncoderLayerWeights& weights, const AttentionLayout& layout,
              const float* q, const float* k, const float* v, float* ctx, ForwardScratch& scratch) const override;

 private:
  const DebertaConfig& c_;
  const std::vector<float>& rel_embeddings_;
  const std::vector<DebertaRelativeProjections>& projections_;
  const RelativePositionIndex& positions_;
};

}  // namespace ce
