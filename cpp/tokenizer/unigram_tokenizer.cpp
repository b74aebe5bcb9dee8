// make_unigram_tokenizer: the as-serialized pipeline, and transformers 5's XLMRobertaTokenizer / DebertaV2Tokenizer
// backends rebuilt from the file's pieces (transformers/models/xlm_roberta/tokenization_xlm_roberta.py and
// deberta_v2/tokenization_deberta_v2.py, 5.23).
#include "tokenizer/unigram_tokenizer.h"

#include "common/error.h"
#include "tokenizer/added_tokens_json.h"
#include "tokenizer/base64.h"
#include "tokenizer/lowercase_normalizer.h"
#include "tokenizer/metaspace_pre_tokenizer.h"
#include "tokenizer/nfx_normalizer.h"
#include "tokenizer/normalizer_json.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/post_processor_json.h"
#include "tokenizer/pre_tokenizer_json.h"
#include "tokenizer/precompiled_normalizer.h"
#include "tokenizer/replace_normalizer.h"
#include "tokenizer/sequence_normalizer.h"
#include "tokenizer/sequence_pre_tokenizer.h"
#include "tokenizer/strip_normalizer.h"
#include "tokenizer/template_processing.h"
#include "tokenizer/transformers_added_tokens.h"
#include "tokenizer/unigram_json.h"
#include "tokenizer/whitespace_pre_tokenizer.h"

namespace ce {
namespace {

std::optional<size_t> model_max_length(const Json* config) {
  if (!config) return std::nullopt;
  auto m = config->find("model_max_length");
  if (m == config->end() || !m->is_number()) return std::nullopt;
  const double v = m->get<double>();
  if (v >= 1 && v <= 1e9) return static_cast<size_t>(v);  // transformers writes ~1e30 when the length is unknown
  return std::nullopt;
}

bool config_bool(const UnigramTokenizerSources& s, const char* key, bool fallback) {
  if (!s.tokenizer_config) return fallback;
  return optional_bool(*s.tokenizer_config, key, s.tokenizer_config_path).value_or(fallback);
}

size_t id_limit(const TokenizerModel& model, const std::vector<AddedToken>& added) {
  size_t limit = model.vocab_size();
  for (const AddedToken& t : added) limit = std::max(limit, static_cast<size_t>(t.id) + 1);
  return limit;
}

std::shared_ptr<const Tokenizer> as_serialized(const UnigramTokenizerSources& s) {
  const TokenizerJson& t = *s.tokenizer_json;
  TokenizerParts parts;
  parts.normalizer = read_normalizer(t);
  parts.pre_tokenizer = read_pre_tokenizer(t);
  std::unique_ptr<const Unigram> model = read_unigram(t);
  const size_t declared = t.doc.contains("added_tokens") && t.doc["added_tokens"].is_array() ? t.doc["added_tokens"].size() : 0;
  std::vector<AddedToken> added = read_added_tokens(t, *model, model->vocab_size() + declared);
  parts.post_processor = std::make_unique<const TemplateProcessing>(read_post_processor(t, id_limit(*model, added)));
  parts.min_vocab_size = id_limit(*model, added);
  parts.added_tokens = AddedTokens(std::move(added));
  parts.model = std::move(model);
  parts.model_max_length = model_max_length(s.tokenizer_config);
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

// The first Precompiled charsmap of tokenizer.json's normalizer (itself or inside a Sequence), as
// TokenizersBackend.convert_to_native_format extracts it; nullopt when there is none.
std::optional<std::string> precompiled_charsmap(const TokenizerJson& t) {
  auto norm = t.doc.find("normalizer");
  if (norm == t.doc.end() || !norm->is_object()) return std::nullopt;
  std::vector<const Json*> candidates;
  if (norm->value("type", Json()) == "Sequence" && norm->contains("normalizers") && (*norm)["normalizers"].is_array()) {
    for (const Json& n : (*norm)["normalizers"]) candidates.push_back(&n);
  } else {
    candidates.push_back(&*norm);
  }
  for (const Json* n : candidates) {
    if (n->is_object() && n->value("type", Json()) == "Precompiled" && n->contains("precompiled_charsmap")) {
      const Json& text = (*n)["precompiled_charsmap"];
      if (!text.is_string()) throw Error(ErrorCode::InvalidTokenizer, t.path + ": precompiled_charsmap is not a string");
      std::optional<std::string> blob = base64_decode(text.get<std::string>());
      if (!blob) throw Error(ErrorCode::InvalidTokenizer, t.path + ": precompiled_charsmap is not valid base64");
      return blob;
    }
  }
  return std::nullopt;
}

TemplatePiece special_piece(const std::string& name, int32_t id, uint32_t type_id) {
  return TemplatePiece{TemplatePiece::Kind::Special, type_id, name, {id}};
}
TemplatePiece sequence_piece(bool first, uint32_t type_id) {
  return TemplatePiece{first ? TemplatePiece::Kind::SequenceA : TemplatePiece::Kind::SequenceB, type_id,
                       first ? "$A" : "$B", {}};
}

std::shared_ptr<const Tokenizer> xlm_roberta(const UnigramTokenizerSources& s) {
  const TokenizerJson& t = *s.tokenizer_json;
  TokenizerParts parts;
  UnigramOptions options;
  options.unk_id = 3;  // XLMRobertaTokenizer hard-codes it (fairseq's <unk> position)
  auto pieces = read_unigram_pieces(t);
  if (pieces.size() <= 3) {
    throw Error(ErrorCode::InvalidTokenizer, t.path + ": XLMRobertaTokenizer needs at least 4 pieces (its unk_id is 3), "
                                                 "the vocab has " + std::to_string(pieces.size()));
  }
  auto model = std::make_unique<const Unigram>(std::move(pieces), options, t.path);
  if (auto charsmap = precompiled_charsmap(t)) {
    parts.normalizer = std::make_unique<const PrecompiledNormalizer>(*charsmap, t.path + " (normalizer)");
  }
  const bool add_prefix_space = config_bool(s, "add_prefix_space", true);
  std::vector<std::unique_ptr<const PreTokenizer>> steps;
  steps.push_back(std::make_unique<const WhitespaceSplitPreTokenizer>());
  steps.push_back(std::make_unique<const MetaspacePreTokenizer>(
      U'\u2581', add_prefix_space ? PrependScheme::Always : PrependScheme::Never, true));
  parts.pre_tokenizer = std::make_unique<const SequencePreTokenizer>(std::move(steps));
  const std::map<std::string, std::string> defaults = {
      {"bos_token", "<s>"}, {"eos_token", "</s>"}, {"sep_token", "</s>"}, {"cls_token", "<s>"},
      {"unk_token", "<unk>"}, {"pad_token", "<pad>"}, {"mask_token", "<mask>"}};
  TransformersSpecialTokens specials =
      transformers_added_tokens(t, s.tokenizer_config, s.special_tokens_map, s.tokenizer_config_path, defaults, *model);
  const std::string bos = specials.named["bos_token"], eos = specials.named["eos_token"];
  const int32_t bos_id = specials.id_of("bos_token"), eos_id = specials.id_of("eos_token");
  // <s> $A </s> and <s> $A </s> </s> $B </s>, every type id 0.
  parts.post_processor = std::make_unique<const TemplateProcessing>(
      Template{special_piece(bos, bos_id, 0), sequence_piece(true, 0), special_piece(eos, eos_id, 0)},
      Template{special_piece(bos, bos_id, 0), sequence_piece(true, 0), special_piece(eos, eos_id, 0),
               special_piece(eos, eos_id, 0), sequence_piece(false, 0), special_piece(eos, eos_id, 0)});
  parts.min_vocab_size = id_limit(*model, specials.added);
  parts.added_tokens = AddedTokens(std::move(specials.added));
  parts.model = std::move(model);
  parts.model_max_length = model_max_length(s.tokenizer_config);
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

std::shared_ptr<const Tokenizer> deberta_v2(const UnigramTokenizerSources& s) {
  const TokenizerJson& t = *s.tokenizer_json;
  TokenizerParts parts;
  auto pieces = read_unigram_pieces(t);
  std::string unk_token = "[UNK]";
  if (s.tokenizer_config) {
    if (auto u = s.tokenizer_config->find("unk_token"); u != s.tokenizer_config->end()) {
      if (u->is_string()) unk_token = u->get<std::string>();
      if (u->is_object() && u->value("content", Json()).is_string()) unk_token = (*u)["content"].get<std::string>();
    }
  }
  // DebertaV2Tokenizer: the index of (unk_token, 0.0) among the pieces, else the unk_id kwarg (default 1).
  UnigramOptions options;
  options.unk_id = 1;
  if (s.tokenizer_config) {
    if (auto u = s.tokenizer_config->find("unk_id"); u != s.tokenizer_config->end() && u->is_number_integer()) {
      const std::optional<int32_t> id = u->get_integer<int32_t>();
      if (!id) throw Error(ErrorCode::InvalidTokenizer, s.tokenizer_config_path + ": unk_id " + u->dump() + " is out of range");
      options.unk_id = *id;
    }
  }
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].first == unk_token && pieces[i].second == 0.0) {
      options.unk_id = static_cast<int32_t>(i);
      break;
    }
  }
  auto model = std::make_unique<const Unigram>(std::move(pieces), options, t.path);
  std::vector<std::unique_ptr<const Normalizer>> norms;
  if (config_bool(s, "do_lower_case", false)) norms.push_back(std::make_unique<const LowercaseNormalizer>());
  norms.push_back(std::make_unique<const CollapseWhitespaceNormalizer>());
  norms.push_back(std::make_unique<const NfxNormalizer>(NormalizationForm::NFC));
  norms.push_back(std::make_unique<const StripNormalizer>(false, true));
  parts.normalizer = std::make_unique<const SequenceNormalizer>(std::move(norms));
  const bool add_prefix_space = config_bool(s, "add_prefix_space", true);
  // Sequence([Punctuation("isolated") if split_by_punct] + [Metaspace("▁", always | first)]), as tokenizers would
  // serialize the one DebertaV2Tokenizer builds.
  Json pre_tokenizers = Json::array();
  if (config_bool(s, "split_by_punct", false)) {
    pre_tokenizers.push_back(Json::object({{"type", "Punctuation"}, {"behavior", "Isolated"}}));
  }
  pre_tokenizers.push_back(Json::object({{"type", "Metaspace"},
                                         {"replacement", "\u2581"},
                                         {"prepend_scheme", add_prefix_space ? "always" : "first"},
                                         {"split", true}}));
  parts.pre_tokenizer = read_pre_tokenizer_node(
      t, Json::object({{"type", "Sequence"}, {"pretokenizers", std::move(pre_tokenizers)}}),
      "DebertaV2Tokenizer's pre_tokenizer");
  const std::map<std::string, std::string> defaults = {
      {"bos_token", "[CLS]"}, {"eos_token", "[SEP]"}, {"sep_token", "[SEP]"}, {"cls_token", "[CLS]"},
      {"unk_token", "[UNK]"}, {"pad_token", "[PAD]"}, {"mask_token", "[MASK]"}};
  TransformersSpecialTokens specials =
      transformers_added_tokens(t, s.tokenizer_config, s.special_tokens_map, s.tokenizer_config_path, defaults, *model);
  const std::string cls = specials.named["cls_token"], sep = specials.named["sep_token"];
  const int32_t cls_id = std::max(specials.id_of("cls_token"), 0), sep_id = std::max(specials.id_of("sep_token"), 0);
  // [CLS]:0 $A:0 [SEP]:0 and [CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1.
  parts.post_processor = std::make_unique<const TemplateProcessing>(
      Template{special_piece(cls, cls_id, 0), sequence_piece(true, 0), special_piece(sep, sep_id, 0)},
      Template{special_piece(cls, cls_id, 0), sequence_piece(true, 0), special_piece(sep, sep_id, 0),
               sequence_piece(false, 1), special_piece(sep, sep_id, 1)});
  parts.min_vocab_size = id_limit(*model, specials.added);
  parts.added_tokens = AddedTokens(std::move(specials.added));
  parts.model = std::move(model);
  parts.model_max_length = model_max_length(s.tokenizer_config);
  return std::make_shared<const PipelineTokenizer>(std::move(parts));
}

}  // namespace

std::optional<UnigramTokenizerClass> unigram_tokenizer_class(const std::string& tokenizer_class,
                                                             const std::string& model_type) {
  if (tokenizer_class.empty()) {
    if (model_type == "xlm-roberta") return UnigramTokenizerClass::XLMRoberta;
    if (model_type == "deberta-v2") return UnigramTokenizerClass::DebertaV2;
    return UnigramTokenizerClass::AsSerialized;
  }
  if (tokenizer_class == "XLMRobertaTokenizer" || tokenizer_class == "XLMRobertaTokenizerFast") {
    return UnigramTokenizerClass::XLMRoberta;
  }
  if (tokenizer_class == "DebertaV2Tokenizer" || tokenizer_class == "DebertaV2TokenizerFast") {
    return UnigramTokenizerClass::DebertaV2;
  }
  if (tokenizer_class == "TokenizersBackend" || tokenizer_class == "PreTrainedTokenizerFast") {
    return UnigramTokenizerClass::AsSerialized;
  }
  return std::nullopt;
}

std::shared_ptr<const Tokenizer> make_unigram_tokenizer(const UnigramTokenizerSources& sources,
                                                        UnigramTokenizerClass cls) {
  switch (cls) {
    case UnigramTokenizerClass::XLMRoberta:
      return xlm_roberta(sources);
    case UnigramTokenizerClass::DebertaV2:
      return deberta_v2(sources);
    case UnigramTokenizerClass::AsSerialized:
      break;
  }
  return as_serialized(sources);
}

}  // namespace ce
