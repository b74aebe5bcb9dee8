// Parsing config.json text into a JSON object, with InvalidConfig errors that name the file.
#include "model/config_json.h"

#include "common/error.h"
#include "io/json.h"

namespace ce {

Json parse_config_json(const std::string& text, const std::string& source) {
  // The parser bounds nesting: a value nested a million levels deep is an error, not an exhausted stack.
  const Json j = parse_json(text, source, {.code = ErrorCode::InvalidConfig});
  if (!j.is_object()) throw Error(ErrorCode::InvalidConfig, source + ": top level must be a JSON object");
  return j;
}

}  // namespace ce
