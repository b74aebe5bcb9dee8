// read_pre_tokenizer: the pattern-based types (ByteLevel, Split, Digits, Punctuation) as split steps, Metaspace /
// Whitespace / WhitespaceSplit / BertPreTokenizer as splitting pre-tokenizers, and a Sequence of any of them.
#include "tokenizer/pre_tokenizer_json.h"

#include "tokenizer/bert_pre_tokenizer.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/metaspace_pre_tokenizer.h"
#include "tokenizer/sequence_pre_tokenizer.h"
#include "tokenizer/whitespace_pre_tokenizer.h"
#include "tokenizer/split_patterns.h"
#include "tokenizer/split_steps.h"
#include "tokenizer/json_fields.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

using namespace json_fields;

constexpr const char* kSupported =
    "ByteLevel, Split, Digits, Punctuation, Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer, Sequence";

SplitBehavior behavior_of(const TokenizerJson& t, const Json& pre, const std::string& where, SplitBehavior fallback) {
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

std::unique_ptr<const SplitPattern> split_pattern(const TokenizerJson& t, const Json& pre, const std::string& where) {
  auto it = pre.find("pattern");
  if (it == pre.end() || !it->is_object() || it->size() != 1) {
    throw tokenizer_json_invalid(t, where + ".pattern must be {\"Regex\": ...} or {\"String\": ...}");
  }
  const std::string kind = it->begin().key();
  const Json& value = it->begin().value();
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

std::unique_ptr<const SplitStep> read_step(const TokenizerJson& t, const Json& pre, const std::string& where) {
  const std::string type = tokenizer_json_component_type(t, pre, where.c_str());
  if (type == "ByteLevel") {
    // tokenizers' defaults for fields an older file lacks.
    const bool add_prefix_space = optional_bool(pre, "add_prefix_space", t.path).value_or(true);
    const bool use_regex = optional_bool(pre, "use_regex", t.path).value_or(true);
    return std::make_unique<const ByteLevelStep>(add_prefix_space, use_regex);
  }
  if (type == "Split") {
    auto behavior_it = pre.find("behavior");
    if (behavior_it == pre.end()) throw tokenizer_json_invalid(t, where + " has no \"behavior\"");
    return std::make_unique<const PatternSplitStep>(split_pattern(t, pre, where),
                                                    behavior_of(t, pre, where, SplitBehavior::Isolated),
                                                    optional_bool(pre, "invert", t.path).value_or(false));
  }
  if (type == "Digits") return digits_step(optional_bool(pre, "individual_digits", t.path).value_or(false));
  if (type == "Punctuation") return punctuation_step(behavior_of(t, pre, where, SplitBehavior::Isolated));
  if (type == "Sequence") {
    auto list = pre.find("pretokenizers");
    if (list == pre.end() || !list->is_array()) throw tokenizer_json_invalid(t, where + ".pretokenizers is not an array");
    std::vector<std::unique_ptr<const SplitStep>> steps;
    for (size_t i = 0; i < list->size(); ++i) {
      steps.push_back(read_step(t, (*list)[i], where + ".pretokenizers[" + std::to_string(i) + "]"));
    }
    return std::make_unique<const SequenceStep>(std::move(steps));
  }
  throw tokenizer_json_unsupported(t, where + " type", type, kSupported);
}

// Whether `node` is made of split-step types only (then the steps run as one SplitStepsPreTokenizer, as before).
bool only_split_steps(const Json& node) {
  if (!node.is_object()) return true;  // read_step reports it
  const Json type = node.value("type", Json());
  if (type == "Sequence") {
    auto list = node.find("pretokenizers");
    if (list == node.end() || !list->is_array()) return true;
    for (const Json& child : *list) {
      if (!only_split_steps(child)) return false;
    }
    return true;
  }
  return type != "Metaspace" && type != "Whitespace" && type != "WhitespaceSplit" && type != "BertPreTokenizer";
}

// Split steps inside a Sequence with splitting pre-tokenizers: each piece through the steps; the first resulting
// piece keeps whether it begins the text.
class StepPreTokenizer final : public SplittingPreTokenizer {
 public:
  explicit StepPreTokenizer(std::vector<std::unique_ptr<const SplitStep>> steps) : steps_(std::move(steps)) {}
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override {
    Splits splits;
    if (!piece.text.empty()) splits.push_back(piece.text);
    for (const auto& step : steps_) step->apply(splits);
    for (size_t i = 0; i < splits.size(); ++i) out.push_back({std::move(splits[i]), piece.at_text_start && i == 0});
  }
  // Alone, exactly SplitStepsPreTokenizer.
  void pre_tokenize_piece(const std::u32string& text, bool, PreTokenizedWords& words) const override {
    Splits splits;
    if (!text.empty()) splits.push_back(text);
    for (const auto& step : steps_) step->apply(splits);
    words.clear();
    for (const std::u32string& s : splits) {
      for (char32_t c : s) utf8::append(c, words.text());
      words.finish_word();
    }
  }

 private:
  std::vector<std::unique_ptr<const SplitStep>> steps_;
};

std::unique_ptr<const PreTokenizer> pre_tokenizer_node(const TokenizerJson& t, const Json& node,
                                                       const std::string& where) {
  if (only_split_steps(node)) {
    std::vector<std::unique_ptr<const SplitStep>> steps;
    steps.push_back(read_step(t, node, where));
    return std::make_unique<const StepPreTokenizer>(std::move(steps));
  }
  const std::string type = tokenizer_json_component_type(t, node, where.c_str());
  if (type == "Metaspace") {
    const std::u32string replacement = to_u32(string_field(t, node, "replacement", where));
    if (replacement.size() != 1) throw tokenizer_json_invalid(t, where + ".replacement must be one character");
    PrependScheme scheme = PrependScheme::Always;
    const std::string scheme_name = string_field(t, node, "prepend_scheme", where, std::string("always"));
    if (scheme_name == "always") {
      scheme = PrependScheme::Always;
    } else if (scheme_name == "first") {
      scheme = PrependScheme::First;
    } else if (scheme_name == "never") {
      scheme = PrependScheme::Never;
    } else {
      throw tokenizer_json_invalid(t, where + ".prepend_scheme \"" + scheme_name + "\" is not always, first or never");
    }
    // The legacy add_prefix_space: false must agree with the scheme (tokenizers refuses the file otherwise).
    if (optional_bool(node, "add_prefix_space", t.path) == false) {
      if (scheme != PrependScheme::Never) throw tokenizer_json_invalid(t, where + ": add_prefix_space does not match prepend_scheme");
    }
    return std::make_unique<const MetaspacePreTokenizer>(replacement[0], scheme, bool_field(t, node, "split", where, true));
  }
  if (type == "Whitespace") return std::make_unique<const WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<const WhitespaceSplitPreTokenizer>();
  if (type == "BertPreTokenizer") return std::make_unique<const BertPreTokenizer>();
  if (type == "Sequence") {
    std::vector<std::unique_ptr<const PreTokenizer>> steps;
    const Json& items = array_field(t, node, "pretokenizers", where);
    for (size_t i = 0; i < items.size(); ++i) {
      steps.push_back(pre_tokenizer_node(t, items[i], where + ".pretokenizers[" + std::to_string(i) + "]"));
    }
    return std::make_unique<const SequencePreTokenizer>(std::move(steps));
  }
  throw tokenizer_json_unsupported(t, where + " type", type, kSupported);
}

}  // namespace

std::unique_ptr<const PreTokenizer> read_pre_tokenizer_node(const TokenizerJson& tokenizer, const Json& node,
                                                            const std::string& where) {
  return pre_tokenizer_node(tokenizer, node, where);
}

std::unique_ptr<const PreTokenizer> read_pre_tokenizer(const TokenizerJson& tokenizer) {
  auto pre = tokenizer.doc.find("pre_tokenizer");
  if (pre == tokenizer.doc.end() || pre->is_null()) {
    // No pre-tokenizer: the whole text is one word.
    return std::make_unique<const SplitStepsPreTokenizer>(std::vector<std::unique_ptr<const SplitStep>>{});
  }
  return pre_tokenizer_node(tokenizer, *pre, "pre_tokenizer");
}

}  // namespace ce
