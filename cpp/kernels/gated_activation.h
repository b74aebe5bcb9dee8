// Gated linear units (GeGLU and friends): out = act(input) * gate, the halves of one projection's output row.
#pragma once

#include <cstddef>

#include "kernels/activations.h"

namespace ce {

class ThreadPool;

// x: `rows` rows of 2 * width values, [input | gate] as transformers' `input, gate = Wi(h).chunk(2, dim=-1)`;
// the input half is overwritten with act(input). out: rows x width, out = act(input) * gate.
// Reference: the activation's reference form, one thread.
void gated_activation_reference(HiddenActivation act, float* x, size_t rows, size_t width, float* out);
// Fast: hidden_activation's fast forms (vectorised GELU-erf), rows split over `pool` (may be null); each row's
// result depends only on its values.
void gated_activation(HiddenActivation act, float* x, size_t rows, size_t width, float* out, ThreadPool* pool);

}  // namespace ce
