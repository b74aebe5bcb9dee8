// Post-processor stage of a tokenizer pipeline (HF tokenizers' `post_processor`): the pair template, which owns
// how many special tokens a pair gets and so how truncation budgets the two texts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace ce {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Special tokens added to a pair.
  virtual size_t num_special_tokens_pair() const = 0;
  // The pair template as text for messages, e.g. "[CLS] a [SEP] b [SEP]".
  virtual std::string describe_pair() const = 0;
  // Truncates the two texts' ids so that the result fits `max_length` (>= num_special_tokens_pair()) and applies
  // the template.
  virtual PairEncoding process_pair(const std::vector<int32_t>& ids_a, const std::vector<int32_t>& ids_b,
                                    size_t max_length) const = 0;
};

}  // namespace ce
