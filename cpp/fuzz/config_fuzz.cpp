// libFuzzer target: arbitrary bytes as config.json text through parse_bert_config.
// Only ce::Error may leave the parser; anything else (another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "model/bert_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    ce::BertConfig config = ce::parse_bert_config(std::string(reinterpret_cast<const char*>(data), size), "config.json");
    (void)config;
  } catch (const ce::Error&) {
  }
  return 0;
}
