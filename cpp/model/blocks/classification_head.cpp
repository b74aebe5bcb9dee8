// The classification head's forward pass.
#include "model/blocks/classification_head.h"

#include "kernels/activations.h"

namespace ce {

void ClassificationHead::run(const Ops& ops, const float* pooled, size_t rows, float* work, float* logits) const {
  ops.linear(dense, pooled, rows, work);
  switch (activation) {
    case HeadActivation::Tanh:
      tanh_inplace(work, rows * static_cast<size_t>(dense.out_features));
      break;
  }
  ops.linear(out, work, rows, logits);
}

}  // namespace ce
