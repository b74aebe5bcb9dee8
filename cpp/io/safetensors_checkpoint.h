// A model's weights as the hub stores them: one model.safetensors, or shards listed by
// model.safetensors.index.json ({"weight_map": {tensor name: shard file name}}), each shard a SafetensorsFile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/safetensors.h"

namespace ce {

class SafetensorsCheckpoint {
 public:
  // model.safetensors in `dir` if present, else the index and every shard it names. The index is untrusted:
  // shard names must be plain file names in `dir` (no path separators, no '..'), and every tensor it maps
  // must exist in its shard. Throws ce::Error: FileNotFound (neither file, or a missing shard),
  // InvalidSafetensors (bad index or shard), FileUnreadable.
  static SafetensorsCheckpoint open_model_dir(const std::string& dir);

  // One file; what open_model_dir does when model.safetensors exists.
  static SafetensorsCheckpoint open_file(const std::string& path);

  // The tensor `name` (in whichever shard holds it), or nullptr.
  const TensorView* find(const std::string& name) const;
  // As SafetensorsFile's, on the shard that holds `name`; MissingTensor names this checkpoint's path().
  std::vector<float> read_f32(const std::string& name, const std::vector<int64_t>& expected_shape) const;
  void read_f32_into(const std::string& name, const std::vector<int64_t>& expected_shape, float* out) const;
  // SafetensorsFile::f32_in_file on the shard that holds `name`.
  std::optional<FileF32> f32_in_file(const std::string& name, const std::vector<int64_t>& expected_shape) const;

  // Every tensor the checkpoint serves: a single file's in file order; a sharded one's (those its index maps) by name.
  std::vector<const TensorView*> tensors() const;
  // model.safetensors, or the index file: what error messages name.
  const std::string& path() const { return path_; }
  // Bytes of all files read (shards, or the single file).
  uint64_t total_bytes() const;
  size_t shard_count() const { return files_.size(); }

 private:
  const SafetensorsFile& file_of(const std::string& name) const;

  std::string path_;
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  // Sharded only: tensor name -> index into files_. Empty for a single file.
  std::map<std::string, size_t> shard_of_;
};

}  // namespace ce
