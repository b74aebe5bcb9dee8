// make_bert_tokenizer: the BERT parts chosen from the resolved options and composed into a PipelineTokenizer.
#include "tokenizer/bert_tokenizer.h"

#include "common/error.h"
#include "tokenizer/bert_normalizer.h"
#include "tokenizer/bert_pre_tokenizer.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/template_processing.h"
#include "tokenizer/wordpiece.h"

namespace ce {
namespace {

int32_t special_id(const WordPiece& wordpiece, const std::optional<int32_t>& given, const std::string& token,
                   const char* role) {
  if (given) {
    if (*given < 0 || static_cast<size_t>(*given) >= wordpiece.vocab_size()) {
      throw Error(ErrorCode::InvalidTokenizer, std::string("tokenizer ") + role + " token \"" + token + "\" has id " +
                                                   std::to_string(*given) + ", outside the vocab (" +
                                                   std::to_string(wordpiece.vocab_size()) + " tokens)");
    }
    return *given;
  }
  const int32_t id = wordpiece.token_to_id(token);
  if (id < 0) {
    throw Error(ErrorCode::InvalidTokenizer,
                std::string("tokenizer vocab has no ") + role + " token \"" + token + "\"");
  }
  return id;
}

}  // namespace

std::shared_ptr<const Tokenizer> make_bert_tokenizer(const std::vector<std::string>& vocab,
                                                     const BertTokenizerOptions& options) {
  auto wordpiece = std::make_unique<const WordPiece>(vocab, options.unk_token, options.continuing_subword_prefix,
                                                     options.max_input_chars_per_word);
  const int32_t cls_id = special_id(*wordpiece, options.cls_id, options.cls_token, "cls");
  const int32_t sep_id = special_id(*wordpiece, options.sep_id, options.sep_token, "sep");
  std::vector<std::pair<std::string, int32_t>> added;
  for (const std::string& token : options.added_tokens) {
    const int32_t id = wordpiece->token_to_id(token);
    if (id >= 0) added.emplace_back(token, id);
  }
  TokenizerParts parts;
  parts.added_tokens = AddedTokens(std::move(added));
  NormalizerFlags flags;
  flags.clean_text = options.clean_text;
  flags.handle_chinese_chars = options.handle_chinese_chars;
  flags.lowercase = options.lowercase;
  flags.strip_accents = options.strip_accents.value_or(options.lowercase);
  // All steps off (tokenizer.json's "normalizer": null) is no normalizer at all.
  if (flags.clean_text || flags.handle_chinese_chars || flags.lowercase || flags.strip_accents) {
    parts.normalizer = std::make_unique<const BertNormalizer>(flags);
  }
  parts.pre_tokenizer = std::make_unique<const BertPreTokenizer>();
  parts.model = std::move(wordpiece);
  parts.post_processor = std::make_unique<const TemplateProcessing>(
      bert_processing(options.cls_token, cls_id, options.sep_token, sep_id));
  parts.model_max_length = options.model_max_length;
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

}  // namespace ce
