// read_normalizer: each tokenizer.json normalizer as tokenizers' serde reads it (its defaults included).
#include "tokenizer/normalizer_json.h"

#include "common/error.h"
#include "tokenizer/base64.h"
#include "tokenizer/bert_normalizer.h"
#include "tokenizer/lowercase_normalizer.h"
#include "tokenizer/nfx_normalizer.h"
#include "tokenizer/precompiled_normalizer.h"
#include "tokenizer/prepend_normalizer.h"
#include "tokenizer/replace_normalizer.h"
#include "tokenizer/sequence_normalizer.h"
#include "tokenizer/strip_accents_normalizer.h"
#include "tokenizer/strip_normalizer.h"
#include "tokenizer/json_fields.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

using namespace json_fields;

constexpr const char* kSupported =
    "Precompiled, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer, NFC, NFD, NFKC, NFKD, Sequence";

std::unique_ptr<const Normalizer> replace_normalizer(const TokenizerJson& t, const Json& node, const std::string& where) {
  auto pattern = node.find("pattern");
  if (pattern == node.end() || !pattern->is_object() || pattern->size() != 1) {
    throw tokenizer_json_invalid(t, where + ".pattern must be {\"String\": ...} or {\"Regex\": ...}");
  }
  const std::string content = string_field(t, node, "content", where);
  if (auto s = pattern->find("String"); s != pattern->end()) {
    if (!s->is_string()) throw tokenizer_json_invalid(t, where + ".pattern.String must be a string");
    return std::make_unique<const ReplaceNormalizer>(to_u32(s->get<std::string>()), to_u32(content));
  }
  if (auto r = pattern->find("Regex"); r != pattern->end()) {
    if (!r->is_string()) throw tokenizer_json_invalid(t, where + ".pattern.Regex must be a string");
    if (r->get<std::string>() == CollapseWhitespaceNormalizer::kPattern) {
      return std::make_unique<const CollapseWhitespaceNormalizer>(to_u32(content));
    }
    if (r->get<std::string>() == SpaceRunsNormalizer::kPattern) {
      return std::make_unique<const SpaceRunsNormalizer>(to_u32(content));
    }
    throw tokenizer_json_unsupported(t, where + " Replace regex", r->get<std::string>(),
                                     "String patterns, and the regexes \\s{2,}|[\\n\\r\\t] and \" {2,}\"");
  }
  throw tokenizer_json_invalid(t, where + ".pattern must be {\"String\": ...} or {\"Regex\": ...}");
}

}  // namespace

std::unique_ptr<const Normalizer> read_normalizer_node(const TokenizerJson& t, const Json& node,
                                                       const std::string& where) {
  if (node.is_null()) return nullptr;
  const std::string type = tokenizer_json_component_type(t, node, where.c_str());
  if (type == "Precompiled") {
    const std::string text = string_field(t, node, "precompiled_charsmap", where);
    const std::optional<std::string> blob = base64_decode(text);
    if (!blob) throw tokenizer_json_invalid(t, where + ".precompiled_charsmap is not valid base64");
    return std::make_unique<const PrecompiledNormalizer>(*blob, t.path + " (" + where + ")");
  }
  if (type == "Lowercase") return std::make_unique<const LowercaseNormalizer>();
  if (type == "StripAccents") return std::make_unique<const StripAccentsNormalizer>();
  if (type == "Strip") {
    return std::make_unique<const StripNormalizer>(bool_field(t, node, "strip_left", where, true),
                                                   bool_field(t, node, "strip_right", where, true));
  }
  if (type == "Replace") return replace_normalizer(t, node, where);
  if (type == "Prepend") return std::make_unique<const PrependNormalizer>(to_u32(string_field(t, node, "prepend", where)));
  if (type == "BertNormalizer") {
    NormalizerFlags flags;
    flags.clean_text = bool_field(t, node, "clean_text", where, true);
    flags.handle_chinese_chars = bool_field(t, node, "handle_chinese_chars", where, true);
    flags.lowercase = bool_field(t, node, "lowercase", where, true);
    flags.strip_accents = optional_bool(node, "strip_accents", t.path).value_or(flags.lowercase);
    return std::make_unique<const BertNormalizer>(flags);
  }
  if (type == "NFC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFC);
  if (type == "NFD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFD);
  if (type == "NFKC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKC);
  if (type == "NFKD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKD);
  if (type == "Sequence") {
    std::vector<std::unique_ptr<const Normalizer>> steps;
    const Json& items = array_field(t, node, "normalizers", where);
    for (size_t i = 0; i < items.size(); ++i) {
      auto step = read_normalizer_node(t, items[i], where + ".normalizers[" + std::to_string(i) + "]");
      if (step) steps.push_back(std::move(step));
    }
    return std::make_unique<const SequenceNormalizer>(std::move(steps));
  }
  throw tokenizer_json_unsupported(t, where + " type", type, kSupported);
}

std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& t) {
  auto it = t.doc.find("normalizer");
  return it == t.doc.end() ? nullptr : read_normalizer_node(t, *it, "normalizer");
}

}  // namespace ce
