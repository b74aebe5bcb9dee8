// PipelineTokenizer: runs the stages over each text of a pair, then the post-processor over both.
#include "tokenizer/pipeline_tokenizer.h"

#include "common/error.h"
#include "tokenizer/utf8.h"

namespace ce {

PipelineTokenizer::PipelineTokenizer(TokenizerParts parts) : parts_(std::move(parts)) {
  if (!parts_.pre_tokenizer || !parts_.model || !parts_.post_processor) {
    throw Error(ErrorCode::Internal, "tokenizer pipeline built without a pre-tokenizer, model or post-processor");
  }
  std::vector<AddedToken> raw, normalized;
  std::u32string text, scratch;
  for (const AddedToken& token : parts_.added_tokens.tokens()) {
    if (!token.normalized) {
      raw.push_back(token);
      continue;
    }
    // tokenizers matches a normalized token by its normalized content.
    AddedToken n = token;
    if (parts_.normalizer) {
      utf8::decode(token.content, text);
      parts_.normalizer->normalize(text, scratch);
      n.content.clear();
      for (const char32_t c : text) utf8::append(c, n.content);
    }
    normalized.push_back(std::move(n));
  }
  raw_tokens_ = AddedTokens(std::move(raw));
  normalized_tokens_ = AddedTokens(std::move(normalized));
}

void PipelineTokenizer::encode_normalized(const std::u32string& text, bool at_text_start, Scratch& scratch,
                                          std::vector<int32_t>& out) const {
  parts_.pre_tokenizer->pre_tokenize_piece(text, at_text_start, scratch.words);
  for (size_t i = 0; i < scratch.words.size(); ++i) parts_.model->encode_word(scratch.words[i], out);
}

void PipelineTokenizer::encode_plain(std::string_view utf8_text, bool at_text_start, Scratch& scratch,
                                     std::vector<int32_t>& out) const {
  utf8::decode(utf8_text, scratch.text);
  if (parts_.normalizer) parts_.normalizer->normalize(scratch.text, scratch.normalizer_scratch);
  if (normalized_tokens_.empty()) {
    encode_normalized(scratch.text, at_text_start, scratch, out);
    return;
  }
  scratch.normalized_utf8.clear();
  for (const char32_t c : scratch.text) utf8::append(c, scratch.normalized_utf8);
  normalized_tokens_.split(scratch.normalized_utf8, scratch.splits);
  const std::vector<AddedTokenSplit> splits = scratch.splits;
  for (const AddedTokenSplit& s : splits) {
    if (s.id >= 0) {
      out.push_back(s.id);
      continue;
    }
    utf8::decode(std::string_view(scratch.normalized_utf8).substr(s.begin, s.end - s.begin), scratch.piece);
    encode_normalized(scratch.piece, at_text_start && s.begin == 0, scratch, out);
  }
}

void PipelineTokenizer::encode(std::string_view text, std::vector<int32_t>& out) const {
  Scratch scratch;
  if (raw_tokens_.empty()) {
    encode_plain(text, true, scratch, out);
    return;
  }
  raw_tokens_.split(text, scratch.splits);
  const std::vector<AddedTokenSplit> splits = scratch.splits;
  for (const AddedTokenSplit& s : splits) {
    if (s.id >= 0) {
      out.push_back(s.id);
    } else {
      encode_plain(text.substr(s.begin, s.end - s.begin), s.begin == 0, scratch, out);
    }
  }
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
