// Token-embedding rows from memory or from the open weights file.
#include "model/blocks/embedding_table.h"

#include <utility>

#include "common/file_io.h"

namespace ce {

EmbeddingTable::EmbeddingTable(std::vector<float> values, size_t width)
    : values_(std::move(values)), rows_(width > 0 ? values_.size() / width : 0), width_(width) {}

EmbeddingTable::EmbeddingTable(FileF32 file, size_t rows, size_t width)
    : file_(std::move(file)), rows_(rows), width_(width) {}

const float* EmbeddingTable::row(size_t r, float* buf) const {
  if (!file_) return values_.data() + r * width_;
  pread_exact(*file_->fd, file_->path, file_->offset + r * width_ * sizeof(float), buf, width_ * sizeof(float));
  return buf;
}

}  // namespace ce
