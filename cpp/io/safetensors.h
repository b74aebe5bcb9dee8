// Read-only, memory-mapped safetensors file with every header field validated against the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/file_io.h"

namespace ce {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL };
const char* dtype_name(DType dtype);
size_t dtype_size(DType dtype);

// An fp32 tensor's place in an open file: values [i, j) are the bytes [offset + 4i, offset + 4j).
struct FileF32 {
  std::shared_ptr<const FileDescriptor> fd;
  std::string path;  // for error messages
  uint64_t offset = 0;
};

struct TensorView {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const uint8_t* data;  // points into the mapping; valid while the SafetensorsFile lives
  size_t nbytes;
};

class SafetensorsFile {
 public:
  // mmaps `path` and validates: 8-byte little-endian header length within the file (and <= 100 MB),
  // header is a JSON object, each entry has a known dtype, non-negative shape, data_offsets [begin,end]
  // with begin <= end <= data size, end-begin == prod(shape)*dtype_size, no two tensors overlap.
  // "__metadata__" is allowed (string map). Throws ce::Error (FileNotFound/FileUnreadable/InvalidSafetensors).
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);
  ~SafetensorsFile();

  const TensorView* find(const std::string& name) const;  // nullptr when absent
  const std::vector<TensorView>& tensors() const { return tensors_; }
  const std::string& path() const { return path_; }
  size_t file_size() const { return map_size_; }

  // Converts F32/F16/BF16 to fp32. Throws InvalidSafetensors if the shape differs from `expected_shape`
  // or the dtype is not a float type; MissingTensor if absent (message names the tensor and the file).
  std::vector<float> read_f32(const std::string& name, const std::vector<int64_t>& expected_shape) const;
  // Same checks; writes the prod(shape) values to `out`. The tensor's pages are then dropped from this process
  // (the file's page cache keeps them; reading the tensor again faults them back in), so loading a model
  // converts it without holding the whole mapping resident next to the fp32 copies.
  void read_f32_into(const std::string& name, const std::vector<int64_t>& expected_shape, float* out) const;
  // Where the tensor's values lie in the file when they already are fp32 as this CPU reads them (F32 on a
  // little-endian host), for reading rows later with pread, without this object or its mapping; nullopt when
  // they need converting. Same MissingTensor and shape/dtype errors as read_f32.
  std::optional<FileF32> f32_in_file(const std::string& name, const std::vector<int64_t>& expected_shape) const;

 private:
  SafetensorsFile() = default;
  // find(name), or MissingTensor; then InvalidSafetensors unless the shape matches and the dtype is F32/F16/BF16.
  const TensorView* checked_float_tensor(const std::string& name, const std::vector<int64_t>& expected_shape) const;
  std::string path_;
  std::shared_ptr<const FileDescriptor> fd_;  // kept open: f32_in_file readers pread the very file mapped here
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::vector<TensorView> tensors_;
};

}  // namespace ce
