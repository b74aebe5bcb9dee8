// PieceTrie construction: pieces sorted once, then each node's children laid out contiguously, breadth first.
#include "tokenizer/piece_trie.h"

#include <algorithm>
#include <numeric>

namespace ce {

PieceTrie::PieceTrie(const std::vector<std::string_view>& pieces) {
  std::fill(std::begin(root_children_), std::end(root_children_), kNone);
  std::vector<uint32_t> order(pieces.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return pieces[a] < pieces[b]; });
  // A node covers the sorted pieces [lo, hi) that share its `depth`-byte prefix.
  struct Pending {
    uint32_t node, lo, hi, depth;
  };
  std::vector<Pending> queue;
  nodes_.emplace_back();
  queue.push_back({0, 0, static_cast<uint32_t>(order.size()), 0});
  for (size_t q = 0; q < queue.size(); ++q) {
    const Pending p = queue[q];
    uint32_t lo = p.lo;
    // The piece that ends here sorts first (a prefix sorts before its extensions).
    if (lo < p.hi && pieces[order[lo]].size() == p.depth) nodes_[p.node].id = static_cast<int32_t>(order[lo++]);
    nodes_[p.node].first_edge = static_cast<uint32_t>(edge_labels_.size());
    while (lo < p.hi) {
      const uint8_t byte = static_cast<uint8_t>(pieces[order[lo]][p.depth]);
      uint32_t hi = lo + 1;
      while (hi < p.hi && static_cast<uint8_t>(pieces[order[hi]][p.depth]) == byte) ++hi;
      const uint32_t child = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      edge_labels_.push_back(byte);
      edge_children_.push_back(child);
      if (p.node == 0) root_children_[byte] = child;
      queue.push_back({child, lo, hi, p.depth + 1});
      lo = hi;
    }
    nodes_[p.node].edge_count = static_cast<uint32_t>(edge_labels_.size()) - nodes_[p.node].first_edge;
  }
}

int32_t PieceTrie::find(std::string_view piece) const {
  uint32_t node = 0;
  for (const char c : piece) {
    node = child(node, static_cast<uint8_t>(c));
    if (node == kNone) return -1;
  }
  return piece.empty() ? -1 : nodes_[node].id;
}

}  // namespace ce
