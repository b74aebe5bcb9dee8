// Helpers shared by the GoogleTest suites: typed-error assertions, a per-test scratch directory, and how many
// golden pairs to check.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"

namespace ce::test {

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

}  // namespace ce::test
