// A Tokenizer composed of HF tokenizers' stages: added tokens -> normalizer -> pre-tokenizer -> model ->
// post-processor. A tokenizer family is a choice of parts, not a class of its own.
#pragma once

#include <algorithm>
#include <memory>

#include "tokenizer/added_tokens.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_model.h"

namespace ce {

struct TokenizerParts {
  AddedTokens added_tokens;
  std::unique_ptr<const Normalizer> normalizer;  // null: the text is not normalized (tokenizer.json "normalizer": null)
  std::unique_ptr<const PreTokenizer> pre_tokenizer;
  std::unique_ptr<const TokenizerModel> model;
  std::unique_ptr<const PostProcessor> post_processor;
  std::optional<size_t> model_max_length;
  // Ids outside the model's vocab that added tokens or the post-processor emit raise vocab_size() to this.
  size_t min_vocab_size = 0;
};

class PipelineTokenizer final : public Tokenizer {
 public:
  // Throws ce::Error(Internal) when a required part (pre-tokenizer, model, post-processor) is missing.
  explicit PipelineTokenizer(TokenizerParts parts);

  std::vector<int32_t> encode_text(std::string_view utf8) const override;
  PairEncoding encode_pair(std::string_view text_a, std::string_view text_b, size_t max_length) const override;
  size_t num_special_tokens_pair() const override { return parts_.post_processor->num_special_tokens_pair(); }
  size_t vocab_size() const override { return std::max(parts_.model->vocab_size(), parts_.min_vocab_size); }
  std::optional<size_t> model_max_length() const override { return parts_.model_max_length; }
  std::optional<int32_t> token_to_id(std::string_view token) const override;

 private:
  // Buffers of one encode() call, reused by each stretch of text between added tokens.
  struct Scratch {
    std::u32string text, normalizer_scratch, piece;
    std::string normalized_utf8;
    std::vector<AddedTokenSplit> splits;
    PreTokenizedWords words;
  };
  // Appends the ids of `text`: added tokens split out, each stretch between them through the other stages.
  void encode(std::string_view text, std::vector<int32_t>& out) const;
  // One stretch without raw added tokens: normalized, normalized added tokens split out, pre-tokenized, modelled.
  // `at_text_start`: the stretch begins the text (Metaspace's prepend_scheme "first").
  void encode_plain(std::string_view text, bool at_text_start, Scratch& scratch, std::vector<int32_t>& out) const;
  void encode_normalized(const std::u32string& text, bool at_text_start, Scratch& scratch,
                         std::vector<int32_t>& out) const;

  TokenizerParts parts_;
  AddedTokens raw_tokens_;         // parts_.added_tokens with normalized: false, matched in the original text
  AddedTokens normalized_tokens_;  // those with normalized: true, their contents normalized, matched after
};

}  // namespace ce
