// A (query, passage) pair of texts as the core receives it: owned copies, UTF-8.
#pragma once

#include <string>

namespace ce {

struct TextPair {
  std::string a;
  std::string b;
};

}  // namespace ce
