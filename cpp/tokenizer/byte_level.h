// ByteLevel pre-tokenizer (GPT-2 / RoBERTa / ModernBERT): optional prefix space, the GPT-2 regex split, then each
// UTF-8 byte of a split written as one printable code point of GPT-2's byte alphabet.
#pragma once

#include "tokenizer/pre_tokenizer_splits.h"
#include "tokenizer/split_patterns.h"

namespace ce {

// The code point GPT-2's alphabet uses for `byte`: printable Latin-1 bytes stand for themselves, the other 68
// (controls, space, DEL, NBSP, soft hyphen...) for U+0100 onwards in byte order.
char32_t byte_level_char(unsigned char byte);

class ByteLevelStep final : public SplitStep {
 public:
  ByteLevelStep(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), pattern_(use_regex ? gpt2_pattern() : nullptr) {}
  void apply(Splits& splits) const override;

 private:
  bool add_prefix_space_;
  std::unique_ptr<const SplitPattern> pattern_;  // null: no regex split
};

}  // namespace ce
