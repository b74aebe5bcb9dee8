// config.json as a JSON object: parsed once, then read by the family registry and the family's own parser.
#pragma once

#include <string>

#include "io/json.h"

namespace ce {

// Parses `text`; throws ce::Error(InvalidConfig) naming `source` when it is not JSON or not an object.
Json parse_config_json(const std::string& text, const std::string& source);

}  // namespace ce
