// GeGLU-style gating over row halves.
#include "kernels/gated_activation.h"

#include "runtime/thread_pool.h"

namespace ce {

namespace {

void multiply_halves(const float* x, size_t width, float* out) {
  const float* gate = x + width;
  for (size_t i = 0; i < width; ++i) out[i] = x[i] * gate[i];
}

}  // namespace

void gated_activation_reference(HiddenActivation act, float* x, size_t rows, size_t width, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * 2 * width;
    hidden_activation_reference(act, row, width);
    multiply_halves(row, width, out + r * width);
  }
}

void gated_activation(HiddenActivation act, float* x, size_t rows, size_t width, float* out, ThreadPool* pool) {
  auto body = [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      float* row = x + r * 2 * width;
      hidden_activation(act, row, width, nullptr);
      multiply_halves(row, width, out + r * width);
    }
  };
  // ~16k values per task, as hidden_activation's grain.
  const size_t grain = width >= 16384 ? 1 : 16384 / width;
  if (pool == nullptr || pool->size() <= 1 || rows <= grain) {
    body(0, rows);
  } else {
    pool->parallel_for(rows, grain, body);
  }
}

}  // namespace ce
