// The tokenizer interface the rest of the core uses: text pair -> model input ids, whatever the family's pipeline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ce {

struct PairEncoding {
  std::vector<int32_t> input_ids;       // the pair template applied, e.g. [CLS] a [SEP] b [SEP]
  std::vector<int32_t> token_type_ids;  // per token: 0 for the first segment, 1 for the second (template's type ids)
  bool truncated = false;               // tokens of either text were cut to fit max_length
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Ids of one text without special tokens (HF: encode(text, add_special_tokens=False)). Invalid UTF-8 bytes
  // count as U+FFFD.
  virtual std::vector<int32_t> encode_text(std::string_view utf8) const = 0;

  // The pair with its template's special tokens, truncated longest_first so that the whole is <= max_length.
  // Throws ce::Error(InvalidArgument) when max_length < num_special_tokens_pair().
  virtual PairEncoding encode_pair(std::string_view text_a, std::string_view text_b, size_t max_length) const = 0;

  // Special tokens the pair template adds (BERT's [CLS] a [SEP] b [SEP]: 3; XLM-R's <s> a </s></s> b </s>: 4).
  virtual size_t num_special_tokens_pair() const = 0;

  // One more than the largest id any encoding can contain: the model's embedding table must be at least this big.
  virtual size_t vocab_size() const = 0;

  // tokenizer_config.json's model_max_length when it is a real limit (unset for transformers' "unknown" 1e30).
  virtual std::optional<size_t> model_max_length() const = 0;

  // Id of an exact vocabulary token, or nullopt.
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
};

}  // namespace ce
