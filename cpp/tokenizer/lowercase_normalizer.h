// HF tokenizers' `Lowercase` normalizer: each character's full lowercase mapping (Rust char::to_lowercase).
#pragma once

#include "tokenizer/normalizer.h"

namespace ce {

class LowercaseNormalizer final : public Normalizer {
 public:
  void normalize(std::u32string& text, std::u32string& scratch) const override;
};

}  // namespace ce
