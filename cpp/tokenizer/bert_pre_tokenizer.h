// BertPreTokenizer: split on whitespace (dropped) and isolate every punctuation character.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/pre_tokenizer.h"

namespace ce {

struct WordSpan {
  uint32_t begin, end;  // code point offsets into the normalized text, end exclusive, never empty
};

// Replaces `words` with the words of `text`.
void bert_pre_tokenize(const std::u32string& text, std::vector<WordSpan>& words);

class BertPreTokenizer final : public PreTokenizer {
 public:
  void pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const override;
};

}  // namespace ce
