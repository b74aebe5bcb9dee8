// HF tokenizers' `Replace` normalizer with a string pattern: every non-overlapping occurrence, left to right,
// becomes `content`. Also the one regex transformers 5 builds for DeBERTa-v2 (\s{2,}|[\n\r\t] -> " "), natively.
#pragma once

#include <string>

#include "tokenizer/normalizer.h"

namespace ce {

class ReplaceNormalizer final : public Normalizer {
 public:
  // `pattern` must be non-empty (an empty one matches nowhere in tokenizers either: the caller drops it).
  ReplaceNormalizer(std::u32string pattern, std::u32string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override;

 private:
  std::u32string pattern_, content_;
};

// Replace(Regex(r"\s{2,}|[\n\r\t]"), " ") as Oniguruma runs it: a run of two or more White_Space characters, or a
// single \n \r \t, becomes one space.
class CollapseWhitespaceNormalizer final : public Normalizer {
 public:
  static constexpr const char* kPattern = "\\s{2,}|[\\n\\r\\t]";
  void normalize(std::u32string& text, std::u32string& scratch) const override;
};

}  // namespace ce
