// Reads tokenizer.json components as tokenizers' serde does (defaults included) into our pipeline classes.
#include "tokenizer/pipeline_json.h"

#include "common/error.h"
#include "tokenizer/base64.h"
#include "tokenizer/bert_normalizer.h"
#include "tokenizer/bert_pre_tokenizer.h"
#include "tokenizer/lowercase_normalizer.h"
#include "tokenizer/metaspace_pre_tokenizer.h"
#include "tokenizer/nfx_normalizer.h"
#include "tokenizer/pre_tokenizer_json.h"
#include "tokenizer/precompiled_normalizer.h"
#include "tokenizer/prepend_normalizer.h"
#include "tokenizer/replace_normalizer.h"
#include "tokenizer/sequence_normalizer.h"
#include "tokenizer/sequence_pre_tokenizer.h"
#include "tokenizer/strip_accents_normalizer.h"
#include "tokenizer/strip_normalizer.h"
#include "tokenizer/utf8.h"
#include "tokenizer/whitespace_pre_tokenizer.h"

namespace ce {
namespace {

using nlohmann::json;

Error invalid(const TokenizerJson& t, const std::string& what) {
  return Error(ErrorCode::InvalidTokenizer, t.path + ": " + what);
}

Error unsupported(const TokenizerJson& t, const std::string& where, const std::string& what) {
  return Error(ErrorCode::UnsupportedTokenizer, t.path + ": " + where + " " + what + " is not supported");
}

std::string type_of(const TokenizerJson& t, const json& node, const std::string& where) {
  if (!node.is_object()) throw invalid(t, where + " is not an object");
  auto type = node.find("type");
  if (type == node.end() || !type->is_string()) throw invalid(t, where + " has no string \"type\"");
  return type->get<std::string>();
}

// node[key] as a string; `fallback` when absent.
std::string string_field(const TokenizerJson& t, const json& node, const char* key, const std::string& where,
                         const std::optional<std::string>& fallback = std::nullopt) {
  auto it = node.find(key);
  if (it == node.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw invalid(t, where + " has no \"" + key + "\"");
  }
  if (!it->is_string()) throw invalid(t, where + "." + key + " must be a string");
  return it->get<std::string>();
}

bool bool_field(const TokenizerJson& t, const json& node, const char* key, const std::string& where, bool fallback) {
  return optional_bool(node, key, t.path + " (" + where + ")").value_or(fallback);
}

std::u32string to_u32(const std::string& s) {
  std::u32string out;
  utf8::decode(s, out);
  return out;
}

const json& array_field(const TokenizerJson& t, const json& node, const char* key, const std::string& where) {
  auto it = node.find(key);
  if (it == node.end() || !it->is_array()) throw invalid(t, where + "." + key + " must be an array");
  return *it;
}

std::unique_ptr<const Normalizer> replace_normalizer(const TokenizerJson& t, const json& node, const std::string& where) {
  auto pattern = node.find("pattern");
  if (pattern == node.end() || !pattern->is_object() || pattern->size() != 1) {
    throw invalid(t, where + ".pattern must be {\"String\": ...} or {\"Regex\": ...}");
  }
  const std::string content = string_field(t, node, "content", where);
  if (auto s = pattern->find("String"); s != pattern->end()) {
    if (!s->is_string()) throw invalid(t, where + ".pattern.String must be a string");
    return std::make_unique<const ReplaceNormalizer>(to_u32(s->get<std::string>()), to_u32(content));
  }
  if (auto r = pattern->find("Regex"); r != pattern->end()) {
    if (!r->is_string()) throw invalid(t, where + ".pattern.Regex must be a string");
    if (r->get<std::string>() == CollapseWhitespaceNormalizer::kPattern) {
      return std::make_unique<const CollapseWhitespaceNormalizer>(to_u32(content));
    }
    if (r->get<std::string>() == SpaceRunsNormalizer::kPattern) {
      return std::make_unique<const SpaceRunsNormalizer>(to_u32(content));
    }
    throw unsupported(t, where, "Replace with the regex pattern \"" + r->get<std::string>() + "\" (content \"" +
                                    content + "\"); supported: string patterns and the regexes \\s{2,}|[\\n\\r\\t] "
                                    "and \" {2,}\"");
  }
  throw invalid(t, where + ".pattern must be {\"String\": ...} or {\"Regex\": ...}");
}

std::unique_ptr<const PreTokenizer> pre_tokenizer_node(const TokenizerJson& t, const json& node,
                                                       const std::string& where) {
  if (auto byte_level_family = read_split_pre_tokenizer_node(t, node, where)) return byte_level_family;
  const std::string type = type_of(t, node, where);
  if (type == "Metaspace") {
    const std::u32string replacement = to_u32(string_field(t, node, "replacement", where));
    if (replacement.size() != 1) throw invalid(t, where + ".replacement must be one character");
    PrependScheme scheme = PrependScheme::Always;
    const std::string scheme_name = string_field(t, node, "prepend_scheme", where, std::string("always"));
    if (scheme_name == "always") {
      scheme = PrependScheme::Always;
    } else if (scheme_name == "first") {
      scheme = PrependScheme::First;
    } else if (scheme_name == "never") {
      scheme = PrependScheme::Never;
    } else {
      throw invalid(t, where + ".prepend_scheme \"" + scheme_name + "\" is not always, first or never");
    }
    // The legacy add_prefix_space: false must agree with the scheme (tokenizers refuses the file otherwise).
    if (optional_bool(node, "add_prefix_space", t.path) == false) {
      if (scheme != PrependScheme::Never) throw invalid(t, where + ": add_prefix_space does not match prepend_scheme");
    }
    return std::make_unique<const MetaspacePreTokenizer>(replacement[0], scheme, bool_field(t, node, "split", where, true));
  }
  if (type == "Whitespace") return std::make_unique<const WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<const WhitespaceSplitPreTokenizer>();
  if (type == "BertPreTokenizer") return std::make_unique<const BertPreTokenizer>();
  if (type == "Sequence") {
    std::vector<std::unique_ptr<const PreTokenizer>> steps;
    const json& items = array_field(t, node, "pretokenizers", where);
    for (size_t i = 0; i < items.size(); ++i) {
      steps.push_back(pre_tokenizer_node(t, items[i], where + ".pretokenizers[" + std::to_string(i) + "]"));
    }
    return std::make_unique<const SequencePreTokenizer>(std::move(steps));
  }
  throw unsupported(t, where, "type '" + type + "' (supported: Metaspace, Whitespace, WhitespaceSplit, "
                                                "BertPreTokenizer, ByteLevel, Split, Digits, Punctuation, Sequence)");
}

}  // namespace

std::unique_ptr<const Normalizer> read_normalizer_node(const TokenizerJson& t, const json& node,
                                                       const std::string& where) {
  if (node.is_null()) return nullptr;
  const std::string type = type_of(t, node, where);
  if (type == "Precompiled") {
    const std::string text = string_field(t, node, "precompiled_charsmap", where);
    const std::optional<std::string> blob = base64_decode(text);
    if (!blob) throw invalid(t, where + ".precompiled_charsmap is not valid base64");
    return std::make_unique<const PrecompiledNormalizer>(*blob, t.path + " (" + where + ")");
  }
  if (type == "NFC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFC);
  if (type == "NFD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFD);
  if (type == "NFKC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKC);
  if (type == "NFKD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKD);
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
  if (type == "Sequence") {
    std::vector<std::unique_ptr<const Normalizer>> steps;
    const json& items = array_field(t, node, "normalizers", where);
    for (size_t i = 0; i < items.size(); ++i) {
      auto step = read_normalizer_node(t, items[i], where + ".normalizers[" + std::to_string(i) + "]");
      if (step) steps.push_back(std::move(step));
    }
    return std::make_unique<const SequenceNormalizer>(std::move(steps));
  }
  throw unsupported(t, where, "type '" + type + "' (supported: Precompiled, NFC, NFD, NFKC, NFKD, Lowercase, Strip, "
                                                "StripAccents, Replace, Prepend, BertNormalizer, Sequence)");
}

std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& t) {
  auto it = t.doc.find("normalizer");
  return it == t.doc.end() ? nullptr : read_normalizer_node(t, *it, "normalizer");
}

std::unique_ptr<const PreTokenizer> read_pre_tokenizer(const TokenizerJson& t) {
  auto it = t.doc.find("pre_tokenizer");
  if (it == t.doc.end() || it->is_null()) {
    // No pre-tokenizer: tokenizers hands each text to the model as one word (an empty Sequence does the same).
    return std::make_unique<const SequencePreTokenizer>(std::vector<std::unique_ptr<const PreTokenizer>>{});
  }
  return pre_tokenizer_node(t, *it, "pre_tokenizer");
}

std::vector<std::pair<std::string, double>> read_unigram_pieces(const TokenizerJson& t) {
  if (!t.has_piece_entries) throw invalid(t, "model.vocab must be an array of [piece, score] (Unigram)");
  if (t.bad_piece_entry) {
    throw invalid(t, "model.vocab[" + std::to_string(*t.bad_piece_entry) + "] is not a [piece, score] pair");
  }
  return t.piece_entries;
}

std::unique_ptr<const Unigram> read_unigram(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw invalid(t, "no \"model\" object");
  UnigramOptions options;
  if (auto unk = model->find("unk_id"); unk != model->end() && !unk->is_null()) {
    if (!unk->is_number_integer()) throw invalid(t, "model.unk_id must be an integer or null");
    const int64_t v = unk->get<int64_t>();
    if (v < 0 || v >= (int64_t{1} << 30)) throw invalid(t, "model.unk_id " + std::to_string(v) + " is out of range");
    options.unk_id = static_cast<int32_t>(v);
  }
  options.byte_fallback = bool_field(t, *model, "byte_fallback", "model", false);
  return std::make_unique<const Unigram>(read_unigram_pieces(t), options, t.path);
}

std::vector<AddedToken> read_added_tokens(const TokenizerJson& t, const TokenizerModel& model, size_t id_limit) {
  std::vector<AddedToken> out;
  auto added = t.doc.find("added_tokens");
  if (added == t.doc.end() || added->is_null()) return out;
  if (!added->is_array()) throw invalid(t, "added_tokens must be an array");
  for (size_t i = 0; i < added->size(); ++i) {
    const json& token = (*added)[i];
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!token.is_object()) throw invalid(t, where + " is not an object");
    AddedToken a;
    a.content = string_field(t, token, "content", where);
    const bool special = bool_field(t, token, "special", where, false);
    a.single_word = bool_field(t, token, "single_word", where, false);
    a.lstrip = bool_field(t, token, "lstrip", where, false);
    a.rstrip = bool_field(t, token, "rstrip", where, false);
    a.normalized = bool_field(t, token, "normalized", where, !special);
    const int32_t known = model.token_to_id(a.content);
    if (known >= 0) {
      a.id = known;
    } else {
      auto id = token.find("id");
      if (id == token.end() || !id->is_number_integer() || id->get<int64_t>() < 0 ||
          id->get<int64_t>() >= static_cast<int64_t>(id_limit)) {
        throw invalid(t, where + ".id must be an integer below " + std::to_string(id_limit));
      }
      a.id = id->get<int32_t>();
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace ce
