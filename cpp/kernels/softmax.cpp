// Row softmax kernel (attention probabilities and the Softmax output activation).
#include "kernels/softmax.h"

#include <cmath>

namespace ce {

void softmax_rows(float* x, size_t rows, size_t width) {
  for (size_t r = 0; r < rows; ++r) {
    float* v = x + r * width;
    float mx = v[0];
    for (size_t i = 1; i < width; ++i) mx = v[i] > mx ? v[i] : mx;
    float sum = 0.0f;
    for (size_t i = 0; i < width; ++i) {
      v[i] = std::exp(v[i] - mx);
      sum += v[i];
    }
    const float inv = 1.0f / sum;
    for (size_t i = 0; i < width; ++i) v[i] *= inv;
  }
}

}  // namespace ce
