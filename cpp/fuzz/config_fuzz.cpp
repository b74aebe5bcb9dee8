// libFuzzer target: arbitrary bytes as config.json text through the family registry and the family's parser.
// Only ce::Error may leave the parser; anything else (another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "model/config_json.h"
#include "model/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const ce::Json json = ce::parse_config_json(std::string(reinterpret_cast<const char*>(data), size), "config.json");
    const ce::ModelFamily& family = ce::family_for_config(json, "config.json");
    (void)family.parse_config(json, "config.json");
  } catch (const ce::Error&) {
  }
  return 0;
}
