// A token-embedding table [vocab][width] fp32: in memory, or read from the weights file row by row.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "io/safetensors.h"

namespace ce {

// The word-embedding table is half of MiniLM's weights (47 MB) and a call reads only the rows of its tokens:
// read from the file (pread through the page cache) it costs no load time and no resident memory. The file
// stays open; if it is truncated while the model is loaded, a call fails with FileUnreadable.
class EmbeddingTable {
 public:
  EmbeddingTable() = default;
  EmbeddingTable(std::vector<float> values, size_t width);
  EmbeddingTable(FileF32 file, size_t rows, size_t width);
  size_t size() const { return rows_ * width_; }
  bool in_memory() const { return !file_.has_value(); }
  // Row `r` (< rows): a pointer into the table in memory; from the file, `buf` (width floats) filled and returned.
  const float* row(size_t r, float* buf) const;

 private:
  std::vector<float> values_;
  std::optional<FileF32> file_;
  size_t rows_ = 0, width_ = 0;
};

}  // namespace ce
