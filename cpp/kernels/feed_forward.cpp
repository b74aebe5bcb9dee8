// The fused feed-forward driver: both GEMMs of a row range on one thread, the intermediate rows in its scratch.
#include "kernels/feed_forward.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/aligned_vector.h"
#include "common/error.h"
#include "kernels/gated_activation.h"
#include "runtime/thread_pool.h"

namespace ce {

bool feed_forward_fuses(const PackedLinear& up, size_t rows, const ThreadPool* pool) {
  return linear_tasks_span_rows(up, rows, pool);
}

void check_feed_forward_widths(const PackedLinear& up, const PackedLinear& down, bool gated) {
  if (static_cast<int64_t>(down.in_features) * (gated ? 2 : 1) != up.out_features)
    throw Error(ErrorCode::Internal, "feed_forward: the down projection does not take the up projection's width");
}

void feed_forward_fused(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                        const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                        ThreadPool* pool) {
  check_feed_forward_widths(up, down, gated);
  if (rows == 0) return;
  const size_t k = static_cast<size_t>(up.in_features), wide = static_cast<size_t>(up.out_features);
  const size_t mid = static_cast<size_t>(down.in_features), n = static_cast<size_t>(down.out_features);
  const size_t task_rows = linear_task_rows(up);
  const size_t tasks = (rows + task_rows - 1) / task_rows;
  auto body = [&](size_t begin, size_t end) {
    // One row range's activations (and, gated, the gated values), reused by every call on this thread.
    thread_local AlignedVector<float> intermediate;
    intermediate.resize(task_rows * (wide + (gated ? mid : 0)));
    float* inter = intermediate.data();
    float* down_input = gated ? inter + task_rows * wide : inter;
    for (size_t t = begin; t < end; ++t) {
      const size_t r0 = t * task_rows, count = std::min(task_rows, rows - r0);
      // No pool: one task per row range over every column, the layout linear_forward uses for tall inputs.
      if (gated) {
        linear_forward(up, x + r0 * k, count, inter, nullptr);
        gated_activation(act, inter, count, mid, down_input, nullptr);
      } else if (act == HiddenActivation::GeluErf) {
        linear_forward(up, x + r0 * k, count, inter, nullptr, GemmEpilogue::BiasGeluErf);
      } else {
        linear_forward(up, x + r0 * k, count, inter, nullptr);
        hidden_activation(act, inter, count * mid, nullptr);
      }
      linear_forward(down, down_input, count, y + r0 * n, nullptr, GemmEpilogue::BiasResidual, residual + r0 * n,
                     norm);
    }
  };
  if (pool == nullptr || pool->size() <= 1 || tasks == 1) {
    body(0, tasks);
  } else {
    pool->parallel_for(tasks, 1, body);
  }
}

}  // namespace ce
