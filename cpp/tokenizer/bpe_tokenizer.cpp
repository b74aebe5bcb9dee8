// make_bpe_tokenizer: the tokenizer.json components read by their readers and composed into a PipelineTokenizer.
#include "tokenizer/bpe_tokenizer.h"

#include <algorithm>

#include "tokenizer/bpe_json.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/pipeline_json.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/post_processor_json.h"
#include "tokenizer/sequence_pre_tokenizer.h"

namespace ce {
namespace {

using nlohmann::json;

constexpr size_t kMaxTokenId = size_t{1} << 24;  // as the vocab readers bound ids

int32_t special_token_id(const TokenizerJson& t, const Bpe& model, const std::vector<AddedToken>& added,
                         const std::string& token, const char* role) {
  for (const AddedToken& a : added) {
    if (a.content == token) return a.id;
  }
  const int32_t id = model.token_to_id(token);
  if (id < 0) {
    throw tokenizer_json_invalid(t, std::string(role) + " token \"" + token +
                                        "\" is in neither the vocab nor added_tokens");
  }
  return id;
}

}  // namespace

std::shared_ptr<const Tokenizer> make_bpe_tokenizer(const TokenizerJson& t, const BpeTokenizerConfig& config) {
  TokenizerParts parts;
  parts.model_max_length = config.model_max_length;
  std::unique_ptr<const Bpe> model;
  if (config.roberta) {
    const BpeTables tables = read_bpe_tables(t);
    try {
      model = std::make_unique<const Bpe>(tables.vocab, tables.merges, BpeOptions{});
    } catch (const Error& e) {
      throw tokenizer_json_invalid(t, e.what());
    }
  } else {
    model = read_bpe_model(t);
  }
  // Added tokens may have ids past the model's vocab (tokenizers appends them); the post-processor may use them.
  std::vector<AddedToken> added = read_added_tokens(t, *model, kMaxTokenId);
  size_t id_limit = model->vocab_size();
  for (const AddedToken& a : added) id_limit = std::max(id_limit, static_cast<size_t>(a.id) + 1);
  if (config.roberta) {
    parts.pre_tokenizer = std::make_unique<const ByteLevelPreTokenizer>(config.roberta->add_prefix_space, true);
    const int32_t cls = special_token_id(t, *model, added, config.roberta->cls_token, "cls");
    const int32_t sep = special_token_id(t, *model, added, config.roberta->sep_token, "sep");
    parts.post_processor = std::make_unique<const TemplateProcessing>(
        roberta_processing(config.roberta->cls_token, cls, config.roberta->sep_token, sep));
  } else {
    parts.normalizer = read_normalizer(t);
    auto pre = t.doc.find("pre_tokenizer");
    // No pre-tokenizer: tokenizers hands each text to the model as one word (an empty Sequence does the same).
    if (pre == t.doc.end() || pre->is_null()) {
      std::vector<std::unique_ptr<const PreTokenizer>> none;
      parts.pre_tokenizer = std::make_unique<const SequencePreTokenizer>(std::move(none));
    } else {
      parts.pre_tokenizer = read_pre_tokenizer(t);
    }
    // transformers 5.23 keeps the file's post-processor even where tokenizer_config.json sets add_bos_token /
    // add_eos_token (checked: neither replaces it nor fills in a null one).
    parts.post_processor = std::make_unique<const TemplateProcessing>(read_post_processor(t, id_limit));
  }
  parts.model = std::move(model);
  parts.added_tokens = AddedTokens(std::move(added));
  parts.min_vocab_size = id_limit;
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

}  // namespace ce
