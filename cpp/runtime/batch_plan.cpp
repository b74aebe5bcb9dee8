// Greedy length-sorted batch planning under a pair count and a token budget.
#include "runtime/batch_plan.h"

#include <algorithm>
#include <numeric>

#include "common/error.h"

namespace ce {

BatchPlan plan_batches(const std::vector<size_t>& token_counts, size_t max_pairs, size_t max_tokens) {
  if (max_pairs < 1) throw Error(ErrorCode::InvalidArgument, "batch_size must be >= 1, got 0");
  const size_t n = token_counts.size();
  BatchPlan plan;
  plan.order.resize(n);
  std::iota(plan.order.begin(), plan.order.end(), size_t{0});
  std::stable_sort(plan.order.begin(), plan.order.end(),
                   [&](size_t x, size_t y) { return token_counts[x] < token_counts[y]; });
  plan.bounds.push_back(0);
  for (size_t start = 0; start < n;) {
    size_t end = start, tokens = 0;
    while (end < n && end - start < max_pairs) {
      const size_t t = token_counts[plan.order[end]];
      if (end > start && tokens + t > max_tokens) break;
      tokens += t;
      ++end;
    }
    plan.bounds.push_back(end);
    start = end;
  }
  return plan;
}

}  // namespace ce
