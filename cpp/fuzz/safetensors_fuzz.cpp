// libFuzzer target: arbitrary bytes as a .safetensors file through SafetensorsFile::open and every reader.
// Only ce::Error may leave the parser; anything else (another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>

#include "common/error.h"
#include "fuzz_support.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ce::fuzz::write_scratch_file("model.safetensors", data, size);
  try {
    auto file = ce::SafetensorsFile::open(path);
    // Read every tensor the header accepted, as the loader would: the offsets it validated must hold.
    for (const auto& tensor : file->tensors()) {
      volatile uint8_t sink = 0;
      for (size_t i = 0; i < tensor.nbytes; ++i) sink = sink ^ tensor.data[i];
      (void)sink;
      try {
        auto values = file->read_f32(tensor.name, tensor.shape);
        (void)values;
        (void)file->f32_in_file(tensor.name, tensor.shape);
      } catch (const ce::Error&) {
        // Non-float dtypes are rejected by the readers: an expected, typed answer.
      }
    }
  } catch (const ce::Error&) {
  }
  return 0;
}
