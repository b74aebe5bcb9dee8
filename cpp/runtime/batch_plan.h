// Batch planning: which pairs share a forward pass, from their token counts alone.
#pragma once

#include <cstddef>
#include <vector>

namespace ce {

// Batch b holds the pairs order[bounds[b]] .. order[bounds[b+1] - 1].
struct BatchPlan {
  std::vector<size_t> order;   // pair indices, shortest first (stable: equal lengths keep input order)
  std::vector<size_t> bounds;  // size = batches + 1, starts at 0, ends at order.size()
  size_t num_batches() const { return bounds.empty() ? 0 : bounds.size() - 1; }
};

// Similar lengths share a batch (less wasted work in attention; the stable order keeps runs reproducible). A batch
// takes at most `max_pairs` (>= 1) pairs and at most `max_tokens` tokens, except that a single pair longer than
// `max_tokens` gets a batch of its own. A pair's score never depends on its batch, so the plan only moves speed.
BatchPlan plan_batches(const std::vector<size_t>& token_counts, size_t max_pairs, size_t max_tokens);

}  // namespace ce
