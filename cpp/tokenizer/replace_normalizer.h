// HF tokenizers' `Replace` normalizer with a string pattern: every non-overlapping occurrence, left to right,
// becomes `content`. Also the two regexes SentencePiece converters write, natively: DeBERTa-v2's \s{2,}|[\n\r\t]
// (transformers 5) and the " {2,}" of transformers 4's XLM-R / DeBERTa files.
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

// Replace(Regex(r"\s{2,}|[\n\r\t]"), content) as Oniguruma runs it: a run of two or more White_Space characters,
// or a single \n \r \t, becomes `content`.
class CollapseWhitespaceNormalizer final : public Normalizer {
 public:
  static constexpr const char* kPattern = "\\s{2,}|[\\n\\r\\t]";
  explicit CollapseWhitespaceNormalizer(std::u32string content = U" ") : content_(std::move(content)) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override;

 private:
  std::u32string content_;
};

// Replace(Regex(" {2,}"), content): each run of two or more U+0020 becomes `content`.
class SpaceRunsNormalizer final : public Normalizer {
 public:
  static constexpr const char* kPattern = " {2,}";
  explicit SpaceRunsNormalizer(std::u32string content) : content_(std::move(content)) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override;

 private:
  std::u32string content_;
};

}  // namespace ce
