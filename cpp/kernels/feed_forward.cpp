// The fused feed-forward driver: both GEMMs of a row range on one thread, the intermediate rows in its scratch.
#include "kernels/feed_forward.h"

#include <algorithm>
#include <vector>

#include "common/error.h"
#include "runtime/thread_pool.h"

namespace ce {

bool feed_forward_fuses(const PackedLinear& up, size_t rows, const ThreadPool* pool) {
  const size_t threads = pool == nullptr ? 1 : static_cast<size_t>(pool->size());
  const size_t task_rows = linear_task_rows(up);
  return threads <= 1 || (rows + task_rows - 1) / task_rows >= 4 * threads;
}

void feed_forward_fused(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, const float* x,
                        const float* residual, size_t rows, float* y, const LayerNormParams* norm, ThreadPool* pool) {
  if (rows == 0) return;
  if (down.in_features != up.out_features)
    throw Error(ErrorCode::Internal, "feed_forward_fused: the down projection does not take the up projection's width");
  const size_t k = static_cast<size_t>(up.in_features), mid = static_cast<size_t>(up.out_features);
  const size_t n = static_cast<size_t>(down.out_features);
  const size_t task_rows = linear_task_rows(up);
  const size_t tasks = (rows + task_rows - 1) / task_rows;
  auto body = [&](size_t begin, size_t end) {
    thread_local std::vector<float> intermediate;  // one row range's activations, reused by every call
    intermediate.resize(task_rows * mid);
    float* inter = intermediate.data();
    for (size_t t = begin; t < end; ++t) {
      const size_t r0 = t * task_rows, count = std::min(task_rows, rows - r0);
      // No pool: one task per row range over every column, the layout linear_forward uses for tall inputs.
      if (act == HiddenActivation::GeluErf) {
        linear_forward(up, x + r0 * k, count, inter, nullptr, GemmEpilogue::BiasGeluErf);
      } else {
        linear_forward(up, x + r0 * k, count, inter, nullptr);
        hidden_activation(act, inter, count * mid, nullptr);
      }
      linear_forward(down, inter, count, y + r0 * n, nullptr, GemmEpilogue::BiasResidual, residual + r0 * n, norm);
    }
  };
  if (pool == nullptr || pool->size() <= 1 || tasks == 1) {
    body(0, tasks);
  } else {
    pool->parallel_for(tasks, 1, body);
  }
}

}  // namespace ce
