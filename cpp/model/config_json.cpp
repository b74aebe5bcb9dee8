// Parsing config.json text into a JSON object, with InvalidConfig errors that name the file.
#include "model/config_json.h"

#include "common/error.h"
#include "io/untrusted_json.h"

namespace ce {

nlohmann::json parse_config_json(const std::string& text, const std::string& source) {
  // Nesting is bounded before parsing: a value nested a million levels deep must not exhaust the stack.
  check_json_depth(text, source, ErrorCode::InvalidConfig);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidConfig, source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(ErrorCode::InvalidConfig, source + ": top level must be a JSON object");
  return j;
}

}  // namespace ce
