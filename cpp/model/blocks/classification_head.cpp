// The classification head's forward pass.
#include "model/blocks/classification_head.h"

#include "kernels/activations.h"

namespace ce {

void ClassificationHead::run(const Ops& ops, const float* pooled, size_t rows, float* work, float* logits) const {
  switch (activation) {
    case HeadActivation::Tanh:
      ops.linear(dense, pooled, rows, work);
      tanh_inplace(work, rows * static_cast<size_t>(dense.out_features));
      break;
    case HeadActivation::GeluErf:
      // The same fused GEMM + activation as the encoder's feed-forward (torch's default erf GELU).
      ops.linear_activation(dense, pooled, rows, work, HiddenActivation::GeluErf);
      break;
    case HeadActivation::GeluTanh:
      ops.linear_activation(dense, pooled, rows, work, HiddenActivation::GeluTanh);
      break;
    case HeadActivation::Relu:
      ops.linear_activation(dense, pooled, rows, work, HiddenActivation::Relu);
      break;
  }
  if (!norm.gamma.empty())
    ops.layer_norm(work, rows, static_cast<size_t>(dense.out_features), norm.gamma.data(), norm.beta.data(), norm_eps);
  ops.linear(out, work, rows, logits);
}

}  // namespace ce
