// Byte trie over vocab tokens: WordPiece's "longest token that prefixes the rest of the word" in one walk
// (O(match length)) instead of one hash lookup per candidate length.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ce {

class PrefixTrie {
 public:
  struct Match {
    int32_t id = -1;  // -1: no token prefixes the text
    size_t length = 0;
  };

  // Builds from (token, id) pairs; for a repeated token the later id wins (as in HF's vocab maps).
  explicit PrefixTrie(const std::vector<std::pair<std::string_view, int32_t>>& tokens);

  // Longest token equal to a prefix of `text`.
  Match longest_prefix(std::string_view text) const;
  // Id of exactly `token`, or -1.
  int32_t find(std::string_view token) const;

 private:
  struct Node {
    uint32_t first_edge = 0, edge_count = 0;  // edges_[first_edge, +edge_count), sorted by byte
    int32_t id = -1;
  };
  struct Edge {
    uint8_t byte;
    uint32_t child;
  };
  int64_t child(uint32_t node, uint8_t byte) const;

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<Edge> edges_;
  uint32_t root_children_[256];  // direct table for the first byte (0 = none; the root is never a child)
};

}  // namespace ce
