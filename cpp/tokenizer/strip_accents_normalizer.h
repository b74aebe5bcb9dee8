// HF tokenizers' `StripAccents` normalizer: removes combining marks (General_Category M), as is_combining_mark.
// It does not decompose first: a precomposed "é" stays (pipelines put NFD/NFKD before it).
#pragma once

#include "tokenizer/normalizer.h"

namespace ce {

class StripAccentsNormalizer final : public Normalizer {
 public:
  void normalize(std::u32string& text, std::u32string& scratch) const override;
};

}  // namespace ce
