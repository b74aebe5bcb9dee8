// Model stage of a tokenizer pipeline (HF tokenizers' `model`: WordPiece, later Unigram and BPE): word -> ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ce {

class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;
  // Appends the ids of one pre-tokenized word (valid UTF-8, non-empty) to `out`.
  virtual void encode_word(std::string_view word, std::vector<int32_t>& out) const = 0;
  // Id of an exact vocabulary token, or -1.
  virtual int32_t token_to_id(std::string_view token) const = 0;
  // One more than the largest id the model can emit.
  virtual size_t vocab_size() const = 0;
};

}  // namespace ce
