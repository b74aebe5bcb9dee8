// How many pairs of each golden file the golden tests check: all of them, unless CE_GOLDEN_PAIRS says fewer.
// The cross-compiled (arm64) suite runs under qemu-user, where PyTorch-sized forwards through the scalar
// reference kernels take minutes per golden file; CMakeLists.txt sets CE_GOLDEN_PAIRS for that build only.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <string>

namespace ce::test {

inline size_t golden_pair_limit() {
  const char* value = std::getenv("CE_GOLDEN_PAIRS");
  if (value == nullptr || *value == '\0') return static_cast<size_t>(-1);
  return static_cast<size_t>(std::stoul(value));
}

}  // namespace ce::test
