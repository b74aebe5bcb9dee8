// Normalizer stage of a tokenizer pipeline (HF tokenizers' `normalizer`): rewrites the code points of a text.
#pragma once

#include <string>

namespace ce {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Normalizes `text` in place; `scratch` is a buffer the caller reuses so that repeated calls do not allocate.
  virtual void normalize(std::u32string& text, std::u32string& scratch) const = 0;
};

}  // namespace ce
