// Tests SafetensorsCheckpoint: one model.safetensors, or shards listed by model.safetensors.index.json, and
// every way an index can be wrong.
#include "io/safetensors_checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;

namespace {

class CheckpointTest : public ce::test::ScratchDirTest {
 protected:
  CheckpointTest() : ScratchDirTest("ce_checkpoint_") {}

  // A safetensors file of F32 tensors, each given as (name, values) with shape [values.size()].
  void write_st(const std::string& name, const std::vector<std::pair<std::string, std::vector<float>>>& tensors) {
    std::string header = "{", data;
    for (const auto& [tensor, values] : tensors) {
      const size_t begin = data.size();
      data.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
      if (header.size() > 1) header += ",";
      header += "\"" + tensor + "\":{\"dtype\":\"F32\",\"shape\":[" + std::to_string(values.size()) +
                "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) + "]}";
    }
    header += "}";
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
    write_raw(name, bytes + header + data);
  }

  void write_two_shards() {
    write_st("model-00001-of-00002.safetensors", {{"a", {1, 2}}, {"b", {3}}});
    write_st("model-00002-of-00002.safetensors", {{"c", {4, 5, 6}}});
  }

  std::string dir() const { return dir_.string(); }
};

using ce::test::expect_error;

const char* kIndex = "model.safetensors.index.json";

TEST_F(CheckpointTest, SingleFile) {
  write_st("model.safetensors", {{"a", {1, 2}}, {"b", {3}}});
  const auto c = ce::SafetensorsCheckpoint::open_model_dir(dir());
  EXPECT_EQ(c.shard_count(), 1u);
  EXPECT_EQ(c.path(), (dir_ / "model.safetensors").string());
  EXPECT_EQ(c.read_f32("a", {2}), (std::vector<float>{1, 2}));
  EXPECT_EQ(c.tensors().size(), 2u);
  EXPECT_EQ(c.total_bytes(), fs::file_size(dir_ / "model.safetensors"));
  expect_error([&] { c.read_f32("zz", {1}); }, ce::ErrorCode::MissingTensor, {"zz"});
}

TEST_F(CheckpointTest, ShardsThroughTheIndex) {
  write_two_shards();
  write_raw(kIndex, R"({"metadata":{"total_size":24},"weight_map":{"a":"model-00001-of-00002.safetensors",
      "b":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})");
  const auto c = ce::SafetensorsCheckpoint::open_model_dir(dir());
  EXPECT_EQ(c.shard_count(), 2u);
  EXPECT_EQ(c.path(), (dir_ / kIndex).string());
  EXPECT_EQ(c.read_f32("a", {2}), (std::vector<float>{1, 2}));
  EXPECT_EQ(c.read_f32("c", {3}), (std::vector<float>{4, 5, 6}));
  std::vector<float> b(1);
  c.read_f32_into("b", {1}, b.data());
  EXPECT_EQ(b[0], 3.0f);
  ASSERT_NE(c.find("c"), nullptr);
  EXPECT_EQ(c.find("zz"), nullptr);
  std::vector<std::string> names;
  for (const ce::TensorView* t : c.tensors()) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.total_bytes(), fs::file_size(dir_ / "model-00001-of-00002.safetensors") +
                                 fs::file_size(dir_ / "model-00002-of-00002.safetensors"));
  expect_error([&] { c.read_f32("zz", {1}); }, ce::ErrorCode::MissingTensor, {"zz", kIndex});
}

TEST_F(CheckpointTest, TensorsOutsideTheIndexAreNotServed) {
  write_two_shards();
  write_raw(kIndex, R"({"weight_map":{"a":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})");
  const auto c = ce::SafetensorsCheckpoint::open_model_dir(dir());
  EXPECT_EQ(c.find("b"), nullptr);
  EXPECT_EQ(c.tensors().size(), 2u);
}

TEST_F(CheckpointTest, SingleFileWinsOverAnIndex) {
  write_st("model.safetensors", {{"x", {7}}});
  write_raw(kIndex, "not even JSON");
  const auto c = ce::SafetensorsCheckpoint::open_model_dir(dir());
  EXPECT_EQ(c.read_f32("x", {1}), (std::vector<float>{7}));
}

TEST_F(CheckpointTest, NeitherFile) {
  expect_error([&] { ce::SafetensorsCheckpoint::open_model_dir(dir()); }, ce::ErrorCode::FileNotFound,
               {"model.safetensors", kIndex});
}

TEST_F(CheckpointTest, BadIndexes) {
  write_two_shards();
  const std::string shard1 = "model-00001-of-00002.safetensors";
  const auto expect_bad_index = [&](const std::string& text, ce::ErrorCode code, const std::vector<std::string>& parts) {
    SCOPED_TRACE(text);
    write_raw(kIndex, text);
    expect_error([&] { ce::SafetensorsCheckpoint::open_model_dir(dir()); }, code, parts);
  };
  expect_bad_index("{", ce::ErrorCode::InvalidSafetensors, {kIndex, "JSON"});
  expect_bad_index("[]", ce::ErrorCode::InvalidSafetensors, {"weight_map"});
  expect_bad_index(R"({"weight_map":[]})", ce::ErrorCode::InvalidSafetensors, {"weight_map"});
  expect_bad_index(R"({"weight_map":{}})", ce::ErrorCode::InvalidSafetensors, {"no tensors"});
  expect_bad_index(R"({"weight_map":{"a":3}})", ce::ErrorCode::InvalidSafetensors, {"'a'", "not a string"});
  expect_bad_index(R"({"weight_map":{"a":"../evil.safetensors"}})", ce::ErrorCode::InvalidSafetensors,
                   {"../evil.safetensors", "not a file name"});
  expect_bad_index(R"({"weight_map":{"a":"/etc/passwd"}})", ce::ErrorCode::InvalidSafetensors, {"not a file name"});
  expect_bad_index(R"({"weight_map":{"a":".."}})", ce::ErrorCode::InvalidSafetensors, {"not a file name"});
  expect_bad_index(R"({"weight_map":{"a":""}})", ce::ErrorCode::InvalidSafetensors, {"not a file name"});
  expect_bad_index(R"({"weight_map":{"a":"model-00009-of-00009.safetensors"}})", ce::ErrorCode::FileNotFound,
                   {"model-00009-of-00009.safetensors", "does not exist"});
  expect_bad_index(R"({"weight_map":{"c":")" + shard1 + R"("}})", ce::ErrorCode::InvalidSafetensors,
                   {"'c'", shard1, "does not contain it"});
  // A shard that is not a valid safetensors file fails as the file itself would.
  write_raw("model-00003-of-00003.safetensors", "garbage");
  expect_bad_index(R"({"weight_map":{"a":"model-00003-of-00003.safetensors"}})", ce::ErrorCode::InvalidSafetensors,
                   {"model-00003-of-00003.safetensors"});
}

}  // namespace
