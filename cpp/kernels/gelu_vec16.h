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

// out[0..16) = gelu_erf(x[0..16) + bias[0..16)), or of x alone when bias is null; out may be x. The one
// block step of the activation kernel and the GEMM's bias+GELU store, so both compute every value alike.
__attribute__((always_inline)) inline void gelu_erf_16(const float* x, const float* bias, float* out) {
  Vec16 v = load_vec16(x);
  if (bias != nullptr) v += load_vec16(bias);
  store_vec16(out, gelu_erf_vec16(v));
}

}  // namespace ce

#pragma GCC diagnostic pop
