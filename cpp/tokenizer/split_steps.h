// The pattern-based pre-tokenizers of tokenizer.json: Split (regex or string), Digits, Punctuation, and Sequence.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/pre_tokenizer_splits.h"

namespace ce {

// Split / Digits / Punctuation: every split cut by a pattern with a behaviour.
class PatternSplitStep final : public SplitStep {
 public:
  PatternSplitStep(std::unique_ptr<const SplitPattern> pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void apply(Splits& splits) const override;

 private:
  std::unique_ptr<const SplitPattern> pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

// Digits: ASCII digits isolated one by one (individual_digits) or as runs.
std::unique_ptr<const SplitStep> digits_step(bool individual_digits);
// Punctuation: ASCII punctuation or P* code points, cut with `behavior` (HF's default: Isolated).
std::unique_ptr<const SplitStep> punctuation_step(SplitBehavior behavior);

class SequenceStep final : public SplitStep {
 public:
  explicit SequenceStep(std::vector<std::unique_ptr<const SplitStep>> steps) : steps_(std::move(steps)) {}
  void apply(Splits& splits) const override {
    for (const auto& step : steps_) step->apply(splits);
  }

 private:
  std::vector<std::unique_ptr<const SplitStep>> steps_;
};

}  // namespace ce
