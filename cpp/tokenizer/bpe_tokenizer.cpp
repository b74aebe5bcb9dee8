// make_bpe_tokenizer: the tokenizer.json components read by their readers and composed into a PipelineTokenizer.
#include "tokenizer/bpe_tokenizer.h"

#include <algorithm>

#include "tokenizer/added_tokens_json.h"
#include "tokenizer/bpe_json.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/normalizer_json.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/post_processor_json.h"
#include "tokenizer/pre_tokenizer_json.h"

namespace ce {
namespace {

// tokenizer.json's raw added tokens as (content, id), for the template's special-token ids; `id_limit` grows to cover
// every added id. (The pipeline's added-token matcher reads them with their options: added_tokens_json.h.)
std::vector<std::pair<std::string, int32_t>> read_added_tokens(const TokenizerJson& t, size_t& id_limit) {
  std::vector<std::pair<std::string, int32_t>> out;
  auto added = t.doc.find("added_tokens");
  if (added == t.doc.end() || added->is_null()) return out;
  if (!added->is_array()) throw tokenizer_json_invalid(t, "added_tokens is not an array");
  for (size_t i = 0; i < added->size(); ++i) {
    const Json& token = (*added)[i];
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!token.is_object() || !token.value("content", Json()).is_string() ||
        !token.value("id", Json()).is_number_unsigned() || token["id"].get<uint64_t>() >= (1u << 24)) {
      throw tokenizer_json_invalid(t, where + " needs a string \"content\" and a valid \"id\"");
    }
    const int32_t id = token["id"].get<int32_t>();
    id_limit = std::max(id_limit, static_cast<size_t>(id) + 1);
    if (!optional_bool(token, "normalized", t.path).value_or(true)) {
      out.emplace_back(token["content"].get<std::string>(), id);
    }
  }
  return out;
}

int32_t special_token_id(const TokenizerJson& t, const Bpe& model,
                         const std::vector<std::pair<std::string, int32_t>>& added, const std::string& token,
                         const char* role) {
  for (const auto& [content, id] : added) {
    if (content == token) return id;
  }
  const int32_t id = model.token_to_id(token);
  if (id < 0) throw tokenizer_json_invalid(t, std::string(role) + " token \"" + token + "\" is in neither the vocab nor added_tokens");
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
  size_t id_limit = model->vocab_size();
  const auto added = read_added_tokens(t, id_limit);
  if (config.roberta) {
    std::vector<std::unique_ptr<const SplitStep>> steps;
    steps.push_back(std::make_unique<const ByteLevelStep>(config.roberta->add_prefix_space, true));
    parts.pre_tokenizer = std::make_unique<const SplitStepsPreTokenizer>(std::move(steps));
    const int32_t cls = special_token_id(t, *model, added, config.roberta->cls_token, "cls");
    const int32_t sep = special_token_id(t, *model, added, config.roberta->sep_token, "sep");
    parts.post_processor = std::make_unique<const TemplateProcessing>(
        roberta_processing(config.roberta->cls_token, cls, config.roberta->sep_token, sep));
  } else {
    parts.normalizer = read_normalizer(t);
    parts.pre_tokenizer = read_pre_tokenizer(t);
    parts.post_processor = std::make_unique<const TemplateProcessing>(read_post_processor(t, id_limit));
  }
  // The pipeline matches every added token with its options (lstrip / rstrip / single_word / normalized).
  parts.added_tokens = AddedTokens(ce::read_added_tokens(t, *model, id_limit));
  parts.model = std::move(model);
  parts.min_vocab_size = id_limit;
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

}  // namespace ce
