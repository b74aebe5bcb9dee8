// PipelineTokenizer: runs the stages over each text of a pair, then the post-processor over both.
#include "tokenizer/pipeline_tokenizer.h"

#include "common/error.h"
#include "tokenizer/utf8.h"

namespace ce {

PipelineTokenizer::PipelineTokenizer(TokenizerParts parts) : parts_(std::move(parts)) {
  if (!parts_.pre_tokenizer || !parts_.model || !parts_.post_processor) {
    throw Error(ErrorCode::Internal, "tokenizer pipeline built without a pre-tokenizer, model or post-processor");
  }
}

void PipelineTokenizer::encode_plain(std::string_view utf8_text, Scratch& scratch, std::vector<int32_t>& out) const {
  utf8::decode(utf8_text, scratch.text);
  if (parts_.normalizer) parts_.normalizer->normalize(scratch.text, scratch.normalizer_scratch);
  parts_.pre_tokenizer->pre_tokenize(scratch.text, scratch.words);
  for (size_t i = 0; i < scratch.words.size(); ++i) parts_.model->encode_word(scratch.words[i], out);
}

void PipelineTokenizer::encode(std::string_view text, std::vector<int32_t>& out) const {
  Scratch scratch;
  size_t segment = 0;
  if (!parts_.added_tokens.empty()) {
    for (size_t i = 0; i < text.size(); ++i) {
      int32_t id = -1;
      if (const size_t length = parts_.added_tokens.match_at(text, i, id)) {
        encode_plain(text.substr(segment, i - segment), scratch, out);
        out.push_back(id);
        i += length - 1;
        segment = i + 1;
      }
    }
  }
  encode_plain(text.substr(segment), scratch, out);
}

std::vector<int32_t> PipelineTokenizer::encode_text(std::string_view utf8) const {
  std::vector<int32_t> ids;
  encode(utf8, ids);
  return ids;
}

PairEncoding PipelineTokenizer::encode_pair(std::string_view text_a, std::string_view text_b,
                                            size_t max_length) const {
  const size_t special = num_special_tokens_pair();
  if (max_length < special) {
    throw Error(ErrorCode::InvalidArgument, "max_length must be at least " + std::to_string(special) + " for a pair (" +
                                                parts_.post_processor->describe_pair() + "), got " +
                                                std::to_string(max_length));
  }
  std::vector<int32_t> a, b;
  encode(text_a, a);
  encode(text_b, b);
  return parts_.post_processor->process_pair(a, b, max_length);
}

std::optional<int32_t> PipelineTokenizer::token_to_id(std::string_view token) const {
  const int32_t id = parts_.model->token_to_id(token);
  return id >= 0 ? std::optional<int32_t>(id) : std::nullopt;
}

}  // namespace ce
