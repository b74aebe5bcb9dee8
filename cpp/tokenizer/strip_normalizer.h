// HF tokenizers' `Strip` normalizer: White_Space removed from the left and/or right end.
#pragma once

#include "tokenizer/normalizer.h"

namespace ce {

class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override;

 private:
  bool left_, right_;
};

}  // namespace ce
