// Pre-tokenizers as HF composes them: steps that each cut (or rewrite) every current split of the text, the
// last splits becoming the words. Split patterns and the split behaviours (Isolated, Removed, Merged...) live here.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/pre_tokenizer.h"

namespace ce {

using Splits = std::vector<std::u32string>;

class SplitStep {
 public:
  virtual ~SplitStep() = default;
  // Replaces `splits` with its pieces (empty pieces dropped, as HF drops them).
  virtual void apply(Splits& splits) const = 0;
};

// Runs the steps over the text as one split, then emits each split as a word (UTF-8).
class SplitStepsPreTokenizer final : public PreTokenizer {
 public:
  explicit SplitStepsPreTokenizer(std::vector<std::unique_ptr<const SplitStep>> steps) : steps_(std::move(steps)) {}
  void pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const override;

 private:
  std::vector<std::unique_ptr<const SplitStep>> steps_;
};

// A matched or unmatched stretch [begin, end) of a split; the stretches of one split cover it in order.
struct PatternMatch {
  size_t begin, end;
  bool is_match;
};

class SplitPattern {
 public:
  virtual ~SplitPattern() = default;
  // Replaces `out` with the stretches of `text` (non-empty text: at least one stretch).
  virtual void find_matches(std::u32string_view text, std::vector<PatternMatch>& out) const = 0;
};

// HF's SplitDelimiterBehavior: what becomes of the matched stretches.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Cuts `text` by `pattern` (its matches inverted first when `invert`) and appends the pieces to `out`.
void split_by_pattern(std::u32string_view text, const SplitPattern& pattern, SplitBehavior behavior, bool invert,
                      std::vector<PatternMatch>& scratch, Splits& out);

}  // namespace ce
