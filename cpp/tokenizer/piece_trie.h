// Byte trie over a Unigram vocabulary: every piece that prefixes a text, shortest first, in one walk (the lattice's
// candidate edges). Built once from sorted pieces into flat arrays (250k pieces in tens of milliseconds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ce {

class PieceTrie {
 public:
  // pieces[id]; each non-empty and distinct (the caller validates).
  explicit PieceTrie(const std::vector<std::string_view>& pieces);

  // Calls visit(length, id) for each piece equal to text[0, length), by increasing length.
  template <class Visit>
  void for_each_prefix(std::string_view text, Visit&& visit) const {
    uint32_t node = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      node = child(node, static_cast<uint8_t>(text[i]));
      if (node == kNone) return;
      if (nodes_[node].id >= 0) visit(i + 1, nodes_[node].id);
    }
  }
  // Id of exactly `piece`, or -1.
  int32_t find(std::string_view piece) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Node {
    uint32_t first_edge = 0;
    uint32_t edge_count = 0;
    int32_t id = -1;
  };
  uint32_t child(uint32_t node, uint8_t byte) const {
    if (node == 0) return root_children_[byte];
    const Node& n = nodes_[node];
    const uint8_t* labels = edge_labels_.data() + n.first_edge;
    for (uint32_t e = 0; e < n.edge_count; ++e) {
      if (labels[e] == byte) return edge_children_[n.first_edge + e];
      if (labels[e] > byte) break;  // edges are sorted by byte
    }
    return kNone;
  }

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<uint8_t> edge_labels_;
  std::vector<uint32_t> edge_children_;
  uint32_t root_children_[256];
};

}  // namespace ce
