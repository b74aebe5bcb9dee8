// PieceTrie construction: pieces sorted once, then each node's children laid out contiguously, breadth first.
#include "tokenizer/piece_trie.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace ce {

PieceTrie::PieceTrie(const std::vector<std::string_view>& pieces) {
  std::fill(std::begin(root_children_), std::end(root_children_), kNone);
  // Sort by an 8-byte big-endian prefix first (one integer compare for most pairs, no pointer chasing), then copy
  // the pieces in that order into one buffer, so the breadth-first pass below reads memory in order.
  struct Key {
    uint64_t prefix;
    uint32_t id;
  };
  std::vector<Key> keys(pieces.size());
  for (uint32_t id = 0; id < pieces.size(); ++id) {
    uint64_t prefix = 0;
    for (size_t b = 0; b < 8; ++b) {
      prefix = (prefix << 8) | (b < pieces[id].size() ? static_cast<uint8_t>(pieces[id][b]) : 0);
    }
    keys[id] = {prefix, id};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = pieces[a.id].compare(pieces[b.id]);
    return c != 0 ? c < 0 : a.id < b.id;
  });
  std::string sorted;
  std::vector<uint32_t> begins(keys.size() + 1);
  for (size_t k = 0; k < keys.size(); ++k) {
    begins[k] = static_cast<uint32_t>(sorted.size());
    sorted += pieces[keys[k].id];
  }
  begins[keys.size()] = static_cast<uint32_t>(sorted.size());
  auto piece = [&](uint32_t k) { return std::string_view(sorted).substr(begins[k], begins[k + 1] - begins[k]); };
  for (size_t k = 1; k < keys.size(); ++k) {
    if (!duplicate_ && piece(k) == piece(k - 1)) {
      duplicate_ = std::make_pair(static_cast<int32_t>(keys[k - 1].id), static_cast<int32_t>(keys[k].id));
    }
  }
  // A node covers the sorted pieces [lo, hi) that share its `depth`-byte prefix.
  struct Pending {
    uint32_t node, lo, hi, depth;
  };
  std::vector<Pending> queue;
  nodes_.reserve(sorted.size() / 2 + 1);
  nodes_.emplace_back();
  queue.push_back({0, 0, static_cast<uint32_t>(keys.size()), 0});
  for (size_t q = 0; q < queue.size(); ++q) {
    const Pending p = queue[q];
    uint32_t lo = p.lo;
    // The pieces that end here sort first (a prefix sorts before its extensions); of equal ones the first id.
    if (lo < p.hi && piece(lo).size() == p.depth) nodes_[p.node].id = static_cast<int32_t>(keys[lo].id);
    while (lo < p.hi && piece(lo).size() == p.depth) ++lo;
    nodes_[p.node].first_edge = static_cast<uint32_t>(edge_labels_.size());
    while (lo < p.hi) {
      const uint8_t byte = static_cast<uint8_t>(piece(lo)[p.depth]);
      uint32_t hi = lo + 1;
      while (hi < p.hi && static_cast<uint8_t>(piece(hi)[p.depth]) == byte) ++hi;
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
