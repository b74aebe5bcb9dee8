// Single-file and sharded safetensors checkpoints; the index is validated like any other model file.
#include "io/safetensors_checkpoint.h"

#include <filesystem>

#include "common/error.h"
#include "common/file_io.h"
#include "io/untrusted_json.h"

namespace ce {

namespace {

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";

// A shard name from the index must name a file directly inside the model directory.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace

SafetensorsCheckpoint SafetensorsCheckpoint::open_file(const std::string& path) {
  SafetensorsCheckpoint c;
  c.path_ = path;
  c.files_.push_back(SafetensorsFile::open(path));
  return c;
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_model_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string single = (fs::path(dir) / kSingleFile).string();
  // exists() fails with an error (not just false) on e.g. a symlink loop: let the open report that.
  if (fs::exists(single, ec) || ec) return open_file(single);
  const std::string index_path = (fs::path(dir) / kIndexFile).string();
  if (!fs::exists(index_path, ec) && !ec)
    throw Error(ErrorCode::FileNotFound, "'" + single + "' does not exist (nor '" + kIndexFile +
                                             "' for sharded weights; only safetensors weights are read)");

  const auto bad = [&](const std::string& why) {
    return Error(ErrorCode::InvalidSafetensors, index_path + ": " + why);
  };
  const std::string index_text = read_file_to_string(index_path, kIndexFile, file_limits::kIndexJson);
  // The parser bounds nesting: a deeply nested value is an error, not an exhausted stack.
  const Json index = parse_json(index_text, index_path, {.code = ErrorCode::InvalidSafetensors});
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw bad("expected a JSON object with a \"weight_map\" object");
  const auto& weight_map = index["weight_map"];
  if (weight_map.empty()) throw bad("\"weight_map\" lists no tensors");

  SafetensorsCheckpoint c;
  c.path_ = index_path;
  std::map<std::string, size_t> shard_index;  // shard file name -> files_ slot
  for (const auto& [tensor, shard_value] : weight_map.items()) {
    if (!shard_value.is_string()) {
      throw bad("the shard of tensor " + bounded_quote(tensor) + " is not a string, got " + describe_json(shard_value));
    }
    const std::string shard = shard_value.get<std::string>();
    if (!is_plain_file_name(shard))
      throw bad("shard name " + bounded_quote(shard) + " (tensor " + bounded_quote(tensor) +
                ") is not a file name in the model directory");
    auto it = shard_index.find(shard);
    if (it == shard_index.end()) {
      const std::string shard_path = (fs::path(dir) / shard).string();
      if (!fs::exists(shard_path, ec) && !ec)
        throw Error(ErrorCode::FileNotFound, "shard '" + shard_path + "' listed in " + index_path + " does not exist");
      c.files_.push_back(SafetensorsFile::open(shard_path));
      it = shard_index.emplace(shard, c.files_.size() - 1).first;
    }
    if (c.files_[it->second]->find(tensor) == nullptr)
      throw bad("tensor " + bounded_quote(tensor) + " is mapped to shard '" + shard + "', which does not contain it");
    c.shard_of_.emplace(tensor, it->second);
  }
  return c;
}

const SafetensorsFile& SafetensorsCheckpoint::file_of(const std::string& name) const {
  if (shard_of_.empty()) return *files_.front();
  const auto it = shard_of_.find(name);
  if (it == shard_of_.end()) throw Error(ErrorCode::MissingTensor, "tensor '" + name + "' is missing from " + path_);
  return *files_[it->second];
}

std::optional<FileF32> SafetensorsCheckpoint::f32_in_file(const std::string& name,
                                                          const std::vector<int64_t>& expected_shape) const {
  return file_of(name).f32_in_file(name, expected_shape);
}

const TensorView* SafetensorsCheckpoint::find(const std::string& name) const {
  if (shard_of_.empty()) return files_.front()->find(name);
  const auto it = shard_of_.find(name);
  return it == shard_of_.end() ? nullptr : files_[it->second]->find(name);
}

std::vector<float> SafetensorsCheckpoint::read_f32(const std::string& name,
                                                   const std::vector<int64_t>& expected_shape) const {
  return file_of(name).read_f32(name, expected_shape);
}

void SafetensorsCheckpoint::read_f32_into(const std::string& name, const std::vector<int64_t>& expected_shape,
                                          float* out) const {
  file_of(name).read_f32_into(name, expected_shape, out);
}

std::vector<const TensorView*> SafetensorsCheckpoint::tensors() const {
  std::vector<const TensorView*> out;
  if (shard_of_.empty()) {
    for (const TensorView& t : files_.front()->tensors()) out.push_back(&t);
  } else {
    for (const auto& [name, slot] : shard_of_) out.push_back(files_[slot]->find(name));
  }
  return out;
}

uint64_t SafetensorsCheckpoint::total_bytes() const {
  uint64_t bytes = 0;
  for (const auto& f : files_) bytes += f->file_size();
  return bytes;
}

}  // namespace ce
