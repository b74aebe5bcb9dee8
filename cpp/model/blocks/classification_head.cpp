// The classification head's forward pass.
#include "model/blocks/classification_head.h"

#include "kernels/activations.h"

namespace ce {

void ClassificationHead::run(const Ops& ops, const float* pooled, size_t rows, float* work, float* logits) const {
  ops.linear(dense, pooled, rows, work);
  const size_t n = rows * static_cast<size_t>(dense.out_features);
  // A few values per sequence: the scalar (libm) forms in both op sets.
  switch (activation) {
    case HeadActivation::Tanh:
      tanh_inplace(work, n);
      break;
    case HeadActivation::Gelu:
      hidden_activation_reference(HiddenActivation::GeluErf, work, n);
      break;
    case HeadActivation::GeluTanh:
      hidden_activation_reference(HiddenActivation::GeluTanh, work, n);
      break;
    case HeadActivation::Relu:
      hidden_activation_reference(HiddenActivation::Relu, work, n);
      break;
  }
  ops.linear(out, work, rows, logits);
}

}  // namespace ce
