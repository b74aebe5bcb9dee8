// Row softmax, max-subtracted so large logits do not overflow exp.
#pragma once

#include <cstddef>

namespace ce {

// In place over `rows` rows of `width` values (row stride = width). libm exp, as torch: used for the output
// activation and by the reference attention (the fast attention has its own vectorised softmax).
void softmax_rows(float* x, size_t rows, size_t width);

}  // namespace ce
