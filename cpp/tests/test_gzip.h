// Reading the gzipped test fixtures (tokenizer goldens, the full-size XLM-R tokenizer.json) through the system's
// gzip, so the core needs no zlib.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace ce::test {

// The decompressed bytes of `path`; throws std::runtime_error when gzip fails.
inline std::string read_gzip(const std::string& path) {
  const std::string command = "gzip -dc '" + path + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[1 << 16];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error(command + " failed");
  return out;
}

}  // namespace ce::test
