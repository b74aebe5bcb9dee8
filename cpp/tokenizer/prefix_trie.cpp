// PrefixTrie: built from the sorted token list, so each node's edges come out contiguous and sorted.
#include "tokenizer/prefix_trie.h"

#include <algorithm>

namespace ce {

PrefixTrie::PrefixTrie(const std::vector<std::pair<std::string_view, int32_t>>& tokens) {
  std::fill(std::begin(root_children_), std::end(root_children_), 0u);
  // Sorted by token, ties by position in `tokens`, so the later duplicate is assigned last and wins. The
  // comparison looks at the first 8 bytes as one big-endian integer before comparing whole strings: sorting a
  // 30k vocabulary with string compares alone was a third of the tokenizer's load time.
  struct Key {
    uint64_t prefix;
    uint32_t index;
  };
  std::vector<Key> keys;
  keys.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i].first;
    if (t.empty()) continue;
    uint64_t prefix = 0;
    for (size_t b = 0; b < 8; ++b)
      prefix = (prefix << 8) | (b < t.size() ? static_cast<uint8_t>(t[b]) : 0u);
    keys.push_back({prefix, static_cast<uint32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = tokens[a.index].first.compare(tokens[b.index].first);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  std::vector<std::pair<std::string_view, int32_t>> sorted;
  sorted.reserve(keys.size());
  for (const Key& k : keys) sorted.push_back(tokens[k.index]);

  // Recursive construction over ranges of the sorted list sharing a prefix of `depth` bytes: children of
  // a node are the distinct bytes at `depth`, laid out as one contiguous edge block.
  nodes_.push_back(Node{});
  struct Work {
    uint32_t node;
    size_t lo, hi, depth;
  };
  std::vector<Work> stack{{0, 0, sorted.size(), 0}};
  while (!stack.empty()) {
    const Work w = stack.back();
    stack.pop_back();
    size_t i = w.lo;
    while (i < w.hi && sorted[i].first.size() == w.depth) {
      nodes_[w.node].id = sorted[i].second;  // later duplicates overwrite
      ++i;
    }
    nodes_[w.node].first_edge = static_cast<uint32_t>(edges_.size());
    const size_t first_child = stack.size();  // children go on the stack, then are reversed in place
    while (i < w.hi) {
      const uint8_t byte = static_cast<uint8_t>(sorted[i].first[w.depth]);
      size_t j = i;
      while (j < w.hi && static_cast<uint8_t>(sorted[j].first[w.depth]) == byte) ++j;
      const uint32_t child = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back(Node{});
      edges_.push_back(Edge{byte, child});
      if (w.node == 0) root_children_[byte] = child;
      stack.push_back({child, i, j, w.depth + 1});
      i = j;
    }
    nodes_[w.node].edge_count = static_cast<uint32_t>(edges_.size()) - nodes_[w.node].first_edge;
    std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first_child), stack.end());
  }
}

int64_t PrefixTrie::child(uint32_t node, uint8_t byte) const {
  if (node == 0) return root_children_[byte] ? static_cast<int64_t>(root_children_[byte]) : -1;
  const Node& n = nodes_[node];
  const Edge* begin = edges_.data() + n.first_edge;
  const Edge* end = begin + n.edge_count;
  const Edge* it = std::lower_bound(begin, end, byte, [](const Edge& e, uint8_t b) { return e.byte < b; });
  return (it != end && it->byte == byte) ? static_cast<int64_t>(it->child) : -1;
}

PrefixTrie::Match PrefixTrie::longest_prefix(std::string_view text) const {
  Match best;
  uint32_t node = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const int64_t next = child(node, static_cast<uint8_t>(text[i]));
    if (next < 0) break;
    node = static_cast<uint32_t>(next);
    if (nodes_[node].id >= 0) best = {nodes_[node].id, i + 1};
  }
  return best;
}

int32_t PrefixTrie::find(std::string_view token) const {
  if (token.empty()) return -1;
  uint32_t node = 0;
  for (char c : token) {
    const int64_t next = child(node, static_cast<uint8_t>(c));
    if (next < 0) return -1;
    node = static_cast<uint32_t>(next);
  }
  return nodes_[node].id;
}

}  // namespace ce
