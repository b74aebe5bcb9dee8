// A LayerNorm's parameters: gamma (HF `weight`, legacy `gamma`) and beta (`bias` / `beta`), [width] each.
#pragma once

#include <vector>

namespace ce {

struct LayerNormWeights { std::vector<float> gamma, beta; };

}  // namespace ce
