// HF tokenizers' `Sequence` normalizer: its normalizers applied in order.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/normalizer.h"

namespace ce {

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<const Normalizer>> steps) : steps_(std::move(steps)) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override {
    for (const auto& step : steps_) step->normalize(text, scratch);
  }

 private:
  std::vector<std::unique_ptr<const Normalizer>> steps_;
};

}  // namespace ce
