// config.json as a JSON object: parsed once, then read by the family registry and the family's own parser.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ce {

// Parses `text`; throws ce::Error(InvalidConfig) naming `source` when it is not JSON or not an object.
nlohmann::json parse_config_json(const std::string& text, const std::string& source);

}  // namespace ce
