// A LayerNorm's parameters (zeros for beta when the norm has no bias, as ModernBERT's norm_bias=false).
#pragma once

#include <vector>

namespace ce {

struct LayerNormWeights {
  std::vector<float> gamma, beta;
};

}  // namespace ce
