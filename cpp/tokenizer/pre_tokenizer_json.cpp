// read_split_pre_tokenizer_node: ByteLevel, Split, Digits and Punctuation nodes, their fields validated.
#include "tokenizer/pre_tokenizer_json.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/split_patterns.h"
#include "tokenizer/split_pre_tokenizer.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

using nlohmann::json;

SplitBehavior behavior_of(const TokenizerJson& t, const json& pre, const std::string& where, SplitBehavior fallback) {
  auto it = pre.find("behavior");
  if (it == pre.end() || it->is_null()) return fallback;
  const std::string name = it->is_string() ? it->get<std::string>() : "";
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  throw tokenizer_json_invalid(t, where + ".behavior must be one of Removed, Isolated, MergedWithPrevious, "
                                          "MergedWithNext, Contiguous");
}

std::unique_ptr<const SplitPattern> split_pattern(const TokenizerJson& t, const json& pre, const std::string& where) {
  auto it = pre.find("pattern");
  if (it == pre.end() || !it->is_object() || it->size() != 1) {
    throw tokenizer_json_invalid(t, where + ".pattern must be {\"Regex\": ...} or {\"String\": ...}");
  }
  const std::string kind = it->begin().key();
  const json& value = it->begin().value();
  if (!value.is_string() || (kind != "Regex" && kind != "String")) {
    throw tokenizer_json_invalid(t, where + ".pattern must be {\"Regex\": string} or {\"String\": string}");
  }
  const std::string source = value.get<std::string>();
  if (kind == "String") {
    std::u32string literal;
    utf8::decode(source, literal);
    return literal_pattern(literal);
  }
  auto pattern = regex_pattern(source);
  if (!pattern) {
    throw tokenizer_json_unsupported(t, where + " regex", source,
                                     "GPT-2's and cl100k's / Llama 3's patterns, and String patterns");
  }
  return pattern;
}

}  // namespace

std::unique_ptr<const PreTokenizer> read_split_pre_tokenizer_node(const TokenizerJson& t, const json& pre,
                                                                  const std::string& where) {
  const std::string type = tokenizer_json_component_type(t, pre, where.c_str());
  if (type == "ByteLevel") {
    // tokenizers' defaults for fields an older file lacks.
    const bool add_prefix_space = optional_bool(pre, "add_prefix_space", t.path).value_or(true);
    const bool use_regex = optional_bool(pre, "use_regex", t.path).value_or(true);
    return std::make_unique<const ByteLevelPreTokenizer>(add_prefix_space, use_regex);
  }
  if (type == "Split") {
    if (pre.find("behavior") == pre.end()) throw tokenizer_json_invalid(t, where + " has no \"behavior\"");
    return std::make_unique<const SplitPreTokenizer>(split_pattern(t, pre, where),
                                                     behavior_of(t, pre, where, SplitBehavior::Isolated),
                                                     optional_bool(pre, "invert", t.path).value_or(false));
  }
  if (type == "Digits") return digits_pre_tokenizer(optional_bool(pre, "individual_digits", t.path).value_or(false));
  if (type == "Punctuation") return punctuation_pre_tokenizer(behavior_of(t, pre, where, SplitBehavior::Isolated));
  return nullptr;
}

}  // namespace ce
