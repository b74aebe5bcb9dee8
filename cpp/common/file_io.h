// Whole-file reads with ce::Error codes that tell "missing" from "unreadable" and name the file.
#pragma once

#include <cstddef>
#include <string>

namespace ce {

// Reads `path` into a string. `what` describes the file in messages (e.g. "config.json").
// Throws FileNotFound when it does not exist, FileUnreadable when it is a directory, cannot be read,
// or is larger than `max_bytes` (a guard against reading something that is clearly not a model file).
std::string read_file_to_string(const std::string& path, const std::string& what,
                                size_t max_bytes = size_t{1} << 30);

}  // namespace ce
