// libFuzzer target: arbitrary bytes as tokenizer.json in a model directory through load_tokenizer,
// then one pair encoded with whatever tokenizer it accepted.
// Only ce::Error may leave the loader; anything else (another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>

#include "common/error.h"
#include "fuzz_support.h"
#include "tokenizer/tokenizer_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ce::fuzz::write_scratch_file("tokenizer.json", data, size);
  try {
    const auto tokenizer = ce::load_tokenizer(ce::fuzz::scratch_dir().string());
    ce::PairEncoding encoding = tokenizer->encode_pair("Héllo, [SEP] wörld 漢字!", "unaffable ##ing", 32);
    (void)encoding;
  } catch (const ce::Error&) {
  }
  return 0;
}
