// Helpers shared by the GoogleTest suites: typed-error assertions, temporary directories, random BERT checkpoints
// (from the family's tensor table) written as safetensors, and the golden files with their models.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "model/bert/bert_config.h"
#include "model/bert/bert_tensors.h"
#include "io/json.h"
#include "model/config_json.h"
#include "model/registry.h"

namespace ce::test {

// A fixture built with nlohmann::json (a test-only dependency) as the core's ce::Json, through its text.
inline ce::Json to_ce(const nlohmann::json& j) { return ce::parse_json(j.dump(), "test fixture"); }

// Runs `f`, which must throw ce::Error with `code` and a message containing every string in `parts`.
inline void expect_error(const std::function<void()>& f, ErrorCode code, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected ce::Error " << error_code_name(code) << ", nothing was thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << "got " << error_code_name(e.code()) << ": " << e.what();
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "message lacks '" << p << "': " << msg;
  }
}

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("ce_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Tensor name -> (shape, values).
using TensorMap = std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>>;

// Normal(0, stddev) values for every tensor of bert_tensors::all(config), under their full HF names (`bert.`
// prefix, classifier top-level); LayerNorm weights are centred on 1 as trained models' are.
inline TensorMap random_bert_tensors(const BertConfig& config, uint32_t seed, float stddev = 0.3f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  TensorMap t;
  for (const auto& spec : bert_tensors::all(config)) {
    size_t n = 1;
    for (int64_t d : spec.shape) n *= static_cast<size_t>(d);
    const bool norm_weight = spec.name.find("LayerNorm.weight") != std::string::npos;
    std::vector<float> v(n);
    for (auto& x : v) x = (norm_weight ? 1.0f : 0.0f) + dist(rng);
    t[spec.name] = {spec.shape, std::move(v)};
  }
  return t;
}

// Writes an F32 safetensors file of `tensors` under their names. With `data_start_mod8` set, the header is padded
// with spaces so the data section starts at that offset mod 8.
inline void write_f32_safetensors(const std::filesystem::path& path, const TensorMap& tensors,
                                  int data_start_mod8 = -1) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, tv] : tensors) {
    const size_t begin = data.size();
    data.append(reinterpret_cast<const char*>(tv.second.data()), tv.second.size() * sizeof(float));
    header[name] = {{"dtype", "F32"}, {"shape", tv.first}, {"data_offsets", {begin, data.size()}}};
  }
  std::string h = header.dump();
  if (data_start_mod8 >= 0)
    while ((8 + h.size()) % 8 != static_cast<size_t>(data_start_mod8)) h += ' ';
  const uint64_t len = h.size();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&len), 8);
  out << h << data;
}

// A fresh directory per test (named after the test and process), so files of different tests never collide.
class ScratchDirTest : public ::testing::Test {
 protected:
  explicit ScratchDirTest(std::string prefix) : prefix_(std::move(prefix)) {}

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (prefix_ + std::to_string(getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes raw bytes as `name` in the directory and returns its path.
  std::string write_raw(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  std::filesystem::path dir_;

 private:
  std::string prefix_;
};

// How many pairs of each golden file the golden tests check: all of them, unless CE_GOLDEN_PAIRS says fewer.
// The cross-compiled (arm64) suite runs under qemu-user, where PyTorch-sized forwards through the scalar
// reference kernels take minutes per golden file; CMakeLists.txt sets CE_GOLDEN_PAIRS for that build only.
inline size_t golden_pair_limit() {
  const char* value = std::getenv("CE_GOLDEN_PAIRS");
  if (value == nullptr || *value == '\0') return static_cast<size_t>(-1);
  return static_cast<size_t>(std::stoul(value));
}

// A golden sample file (test/fixtures/goldens/<name>.sample.json: ids, texts and PyTorch fp32 logits) with the
// directory of its model.
struct GoldenSample {
  std::string name;
  std::filesystem::path model_dir;
  nlohmann::json doc;
};

// Every golden sample file with its model (only those whose config.json the registry gives to `family`, e.g.
// "bert", when one is named). A golden whose model is missing (e.g. minilm-ce not built by scripts/setup.sh) is a
// test failure, never a silent skip.
inline std::vector<GoldenSample> golden_samples(const std::string& family = "") {
  namespace fs = std::filesystem;
  const fs::path root = CE_SOURCE_DIR;
  const fs::path goldens = root / "test/fixtures/goldens";
  std::vector<GoldenSample> out;
  if (!fs::is_directory(goldens)) return out;
  for (const auto& entry : fs::directory_iterator(goldens)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".sample.json";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string name = file.substr(0, file.size() - suffix.size());
    fs::path model_dir = root / "test/fixtures/models" / name;
    if (!fs::is_directory(model_dir)) model_dir = root / "test/.cache/models" / name;
    if (!fs::is_directory(model_dir)) model_dir = root / "../shared/models" / name;
    if (!fs::exists(model_dir / "model.safetensors")) {
      ADD_FAILURE() << "model for golden " << file << " not found (run scripts/setup.sh)";
      continue;
    }
    const std::string config_path = (model_dir / "config.json").string();
    const ce::Json config = parse_config_json(read_file_to_string(config_path, "config.json"), config_path);
    if (!family.empty() && family_for_config(config, config_path).name != family) continue;
    out.push_back({name, model_dir, nlohmann::json::parse(read_file_to_string(entry.path().string(), file))});
  }
  return out;
}

// Logits of a golden pair: a number (one label) or an array, appended to `out`.
inline void append_golden_logits(const nlohmann::json& pair, std::vector<float>& out) {
  const auto& l = pair.at("logits");
  if (l.is_array()) {
    for (float v : l) out.push_back(v);
  } else {
    out.push_back(l.get<float>());
  }
}

}  // namespace ce::test
