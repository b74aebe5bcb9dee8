// Linear layers: packing W once, the plain reference kernel, and the blocked, threaded fast kernel.
#include "kernels/gemm.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.h"
#include "kernels/gemm_layout.h"
#include "runtime/thread_pool.h"

namespace ce {

PackedLinear pack_linear(std::vector<float> weight, std::vector<float> bias, int out_features, int in_features) {
  if (out_features <= 0 || in_features <= 0)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: out_features (" + std::to_string(out_features) +
                                                ") and in_features (" + std::to_string(in_features) +
                                                ") must be positive");
  const size_t n = static_cast<size_t>(out_features), k = static_cast<size_t>(in_features);
  if (weight.size() != n * k)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: weight has " + std::to_string(weight.size()) +
                                                " values, expected " + std::to_string(n * k));
  if (bias.empty()) bias.assign(n, 0.0f);
  if (bias.size() != n)
    throw Error(ErrorCode::InvalidArgument, "pack_linear: bias has " + std::to_string(bias.size()) +
                                                " values, expected " + std::to_string(n));
  PackedLinear layer;
  layer.in_features = in_features;
  layer.out_features = out_features;
  const size_t panels = gemm_panel_count(out_features);
  layer.packed.assign(panels * k * kGemmNR, 0.0f);
  for (size_t col = 0; col < n; ++col) {
    const size_t p = col / kGemmNR, j = col % kGemmNR;
    float* dst = layer.packed.data() + p * k * kGemmNR + j;
    const float* src = weight.data() + col * k;
    for (size_t kk = 0; kk < k; ++kk) dst[kk * kGemmNR] = src[kk];
  }
  layer.weight = std::move(weight);
  layer.bias = std::move(bias);
  return layer;
}

void linear_reference(const PackedLinear& layer, const float* x, size_t rows, float* y) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t col = 0; col < n; ++col) {
      const float* w = layer.weight.data() + col * k;
      float sum = 0.0f;
      for (size_t kk = 0; kk < k; ++kk) sum += x[r * k + kk] * w[kk];
      y[r * n + col] = sum + layer.bias[col];
    }
  }
}

namespace {

// Rows of X handled by one task: a few micro-kernel blocks, so a panel (K*16 floats) is reused from cache.
constexpr size_t kRowsPerTask = kGemmMR * 8;
// Panels per task: K*16*4 bytes each; 4 panels of K=1536 is ~400 KB, an L2's worth.
constexpr size_t kPanelsPerTask = 4;

// Computes rows [r0, r1) x panels [p0, p1). Row tails are copied into a zero-padded MR-row block so the
// same micro-kernel (same instruction sequence) computes every element: the determinism guarantee.
void run_tile(const PackedLinear& layer, const float* x, size_t rows, float* y, size_t r0, size_t r1, size_t p0,
              size_t p1) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  std::vector<float> tail;
  float acc[kGemmMR * kGemmNR];
  for (size_t rb = r0; rb < r1; rb += kGemmMR) {
    const size_t mr = std::min<size_t>(kGemmMR, rows - rb);
    const float* xb = x + rb * k;
    if (mr < static_cast<size_t>(kGemmMR)) {
      tail.assign(kGemmMR * k, 0.0f);
      std::memcpy(tail.data(), xb, mr * k * sizeof(float));
      xb = tail.data();
    }
    for (size_t p = p0; p < p1; ++p) {
      gemm_microkernel(xb, k, layer.packed.data() + p * k * kGemmNR, static_cast<int>(k), acc);
      const size_t c0 = p * kGemmNR, nc = std::min<size_t>(kGemmNR, n - c0);
      for (size_t r = 0; r < mr; ++r) {
        float* yr = y + (rb + r) * n + c0;
        const float* ar = acc + r * kGemmNR;
        const float* b = layer.bias.data() + c0;
        for (size_t j = 0; j < nc; ++j) yr[j] = ar[j] + b[j];
      }
    }
  }
}

}  // namespace

void linear_forward(const PackedLinear& layer, const float* x, size_t rows, float* y, ThreadPool* pool) {
  if (rows == 0) return;
  if (layer.packed.empty()) throw Error(ErrorCode::Internal, "linear_forward: layer was not packed with pack_linear");
  const size_t panels = gemm_panel_count(layer.out_features);
  const size_t row_tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
  const size_t panel_tasks = (panels + kPanelsPerTask - 1) / kPanelsPerTask;
  auto body = [&](size_t begin, size_t end) {
    for (size_t t = begin; t < end; ++t) {
      const size_t rt = t / panel_tasks, pt = t % panel_tasks;
      const size_t r0 = rt * kRowsPerTask, r1 = std::min(rows, r0 + kRowsPerTask);
      const size_t p0 = pt * kPanelsPerTask, p1 = std::min(panels, p0 + kPanelsPerTask);
      run_tile(layer, x, rows, y, r0, r1, p0, p1);
    }
  };
  const size_t tasks = row_tasks * panel_tasks;
  if (pool == nullptr || pool->size() <= 1 || tasks == 1) {
    body(0, tasks);
  } else {
    pool->parallel_for(tasks, 1, body);
  }
}

}  // namespace ce
