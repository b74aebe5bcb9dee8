// Shared by the libFuzzer targets: a private scratch directory per fuzzing process, and files written into it.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ce::fuzz {

// One directory per process, made on first use and removed at exit. The parsers under test take paths, so
// every input goes through a real file; /dev/shm (when present) keeps that off the disk.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : nullptr;
    std::string pattern = (base ? std::string(base) : std::filesystem::temp_directory_path().string()) +
                          "/ce-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) std::abort();
    std::filesystem::path made(pattern);
    static struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    } cleanup{made};
    return made;
  }();
  return dir;
}

// Writes `size` bytes as `name` in the scratch directory (replacing it) and returns the path.
inline std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();  // the harness's own failure, not a finding
  return path;
}

}  // namespace ce::fuzz
