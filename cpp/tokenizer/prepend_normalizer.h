// HF tokenizers' `Prepend` normalizer: a fixed string put before any non-empty text (e.g. "▁" for Llama-style SPM).
#pragma once

#include <string>

#include "tokenizer/normalizer.h"

namespace ce {

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::u32string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::u32string& text, std::u32string&) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::u32string prefix_;
};

}  // namespace ce
