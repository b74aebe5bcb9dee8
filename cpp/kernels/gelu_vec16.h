// GELU(erf) on 16-float vectors, shared by the activation kernel and the GEMM's fused bias+GELU epilogue so
// both compute every value with the same instructions.
#pragma once

#include "kernels/vec16.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

// GELU(erf) with erf from Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7) on 16-float vectors: in BERT's
// feed-forward this runs on rows x intermediate_size values per layer, where libm's erff was ~15% of the time.
__attribute__((always_inline)) inline Vec16 gelu_erf_vec16(Vec16 v) {
  const Vec16 z = v * 0.70710678118654752440f;
  const Vec16 a = z < 0.0f ? -z : z;
  const Vec16 t = 1.0f / (1.0f + 0.3275911f * a);
  const Vec16 poly =
      t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  const Vec16 erf_abs = 1.0f - poly * exp_nonpositive(-(a * a));
  const Vec16 erf = z < 0.0f ? -erf_abs : erf_abs;
  return 0.5f * v * (1.0f + erf);
}

}  // namespace ce

#pragma GCC diagnostic pop
