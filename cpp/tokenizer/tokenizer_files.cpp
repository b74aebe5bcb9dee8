// load_tokenizer: reads the tokenizer files of a model directory (each through the checked, size-capped read),
// resolves them the way transformers + tokenizers interpret them, and dispatches on tokenizer.json's model type.
#include "tokenizer/tokenizer_files.h"

#include <filesystem>
#include <optional>

#include "common/error.h"
#include "common/file_io.h"
#include "io/json.h"
#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/unicode.h"
#include "tokenizer/unigram_tokenizer.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
// Size caps per kind of file come from file_limits (common/file_io.h): far above real ones (XLM-R's tokenizer.json
// is 17 MB, BERT's vocab.txt 230 KB), low enough that pointing the loader at something else fails fast.
constexpr size_t kTokenizerJsonMaxBytes = file_limits::kTokenizer;
constexpr size_t kVocabTxtMaxBytes = file_limits::kVocabTxt;
constexpr size_t kSmallJsonMaxBytes = file_limits::kSmallJson;  // tokenizer_config.json, special_tokens_map.json

// The file's bytes, or nullopt when it does not exist (any other failure throws).
std::optional<std::string> read_if_present(const fs::path& path, const char* what, size_t max_bytes) {
  try {
    return read_file_to_string(path.string(), what, max_bytes);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::FileNotFound) return std::nullopt;
    throw;
  }
}

Json parse_json_object(const std::string& text, const fs::path& path) {
  // The parser bounds nesting: a deeply nested value is an error, not an exhausted stack.
  const Json j = parse_json(text, path.string(), {.code = ErrorCode::InvalidTokenizer});
  if (!j.is_object()) throw Error(ErrorCode::InvalidTokenizer, path.string() + ": top level is not a JSON object");
  return j;
}

// Every tokenizer file of one directory, read and parsed once.
struct TokenizerFiles {
  fs::path dir;
  std::optional<TokenizerJson> tokenizer_json;
  std::optional<std::string> vocab_txt;  // read only when there is no tokenizer.json
  std::optional<Json> tokenizer_config, special_tokens_map;
  std::string model_type;  // tokenizer.json's model.type; vocab.txt alone is WordPiece

  fs::path path(const char* name) const { return dir / name; }
};

TokenizerFiles read_tokenizer_files(const std::string& model_dir) {
  TokenizerFiles files;
  files.dir = fs::path(model_dir);
  std::error_code ec;
  if (!fs::is_directory(files.dir, ec)) throw Error(ErrorCode::FileNotFound, "model directory not found: " + model_dir);
  const fs::path tokenizer_json = files.path("tokenizer.json");
  if (auto text = read_if_present(tokenizer_json, "tokenizer.json", kTokenizerJsonMaxBytes)) {
    files.tokenizer_json = parse_tokenizer_json(*text, tokenizer_json.string());
    files.model_type = tokenizer_json_model_type(*files.tokenizer_json);
  } else {
    files.vocab_txt = read_if_present(files.path("vocab.txt"), "vocab.txt", kVocabTxtMaxBytes);
    if (!files.vocab_txt) throw Error(ErrorCode::FileNotFound, "no tokenizer.json or vocab.txt in " + model_dir);
    files.model_type = "WordPiece";
  }
  const fs::path config = files.path("tokenizer_config.json"), special = files.path("special_tokens_map.json");
  if (auto text = read_if_present(config, "tokenizer_config.json", kSmallJsonMaxBytes)) {
    files.tokenizer_config = parse_json_object(*text, config);
  }
  if (auto text = read_if_present(special, "special_tokens_map.json", kSmallJsonMaxBytes)) {
    files.special_tokens_map = parse_json_object(*text, special);
  }
  return files;
}

// vocab.txt as transformers 5 loads it for BertTokenizer: tokenizers' WordPiece::from_file, i.e. Rust's
// BufRead::lines (split on \n, a trailing \r dropped) and then trim_end (trailing White_Space dropped, so
// "the \r" is "the"); id = line number. A lone \r is not a line break.
std::vector<std::string> parse_vocab_txt(const std::string& data, const fs::path& path) {
  std::vector<std::string> vocab;
  std::u32string cps;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    std::string_view line(data.data() + start, end - start);
    utf8::decode(line, cps);
    std::string token;
    for (char32_t c : cps) utf8::append(c, token);
    if (token != line) {  // decoding replaced bytes: the line is not UTF-8 (tokenizers refuses the file)
      throw Error(ErrorCode::InvalidTokenizer,
                  path.string() + ": line " + std::to_string(vocab.size() + 1) + " is not valid UTF-8");
    }
    while (!cps.empty() && unicode::is_whitespace(cps.back())) cps.pop_back();
    token.clear();
    for (char32_t c : cps) utf8::append(c, token);
    vocab.push_back(std::move(token));
    start = end + 1;
  }
  return vocab;
}

// A special token entry: "[CLS]" or {"content": "[CLS]", ...}; nullopt when absent or null.
std::optional<std::string> token_name(const Json& obj, const char* key, const fs::path& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto content = it->find("content");
    if (content != it->end() && content->is_string()) return content->get<std::string>();
  }
  throw Error(ErrorCode::InvalidTokenizer,
              file.string() + ": \"" + key + "\" must be a string or an object with a string \"content\"");
}

// `pad_token` only matters as an added token: nothing pads (batches are packed).
void apply_special_tokens(const Json& obj, const fs::path& file, BertTokenizerOptions& o, std::string& pad_token) {
  if (auto t = token_name(obj, "unk_token", file)) o.unk_token = *t;
  if (auto t = token_name(obj, "cls_token", file)) o.cls_token = *t;
  if (auto t = token_name(obj, "sep_token", file)) o.sep_token = *t;
  if (auto t = token_name(obj, "pad_token", file)) pad_token = *t;
}

// Which class transformers 5's AutoTokenizer builds. A BERT-family class (tokenizer_config's tokenizer_class,
// else config.json's model_type) rebuilds the pipeline from the vocab alone: normalizer flags from
// tokenizer_config.json with BertTokenizer's defaults (clean_text always on), WordPiece "##" / 100, and the
// tokenizer.json normalizer is ignored. PreTrainedTokenizerFast / TokenizersBackend, or no class at all, use
// tokenizer.json exactly as serialized. Other classes (MPNet, RoBERTa, ...) use other templates: rejected.
bool resolves_to_bert_class(const TokenizerFiles& files) {
  static const char* const kBertClasses[] = {"BertTokenizer", "BertTokenizerFast", "DistilBertTokenizer",
                                             "DistilBertTokenizerFast", "ElectraTokenizer", "ElectraTokenizerFast"};
  const bool from_json = files.tokenizer_json.has_value();
  std::string cls;
  if (files.tokenizer_config) {
    auto it = files.tokenizer_config->find("tokenizer_class");
    if (it != files.tokenizer_config->end() && it->is_string()) cls = it->get<std::string>();
  }
  if (cls.empty()) {
    const auto config_text = read_if_present(files.path("config.json"), "config.json", kSmallJsonMaxBytes);
    if (!config_text) return !from_json;  // vocab.txt alone can only be a BertTokenizer
    std::string model_type;
    try {
      const Json mc = parse_json(*config_text, "config.json", {.code = ErrorCode::InvalidConfig});
      if (mc.is_object() && mc.contains("model_type") && mc["model_type"].is_string()) {
        model_type = mc["model_type"].get<std::string>();
      }
    } catch (const std::exception&) {
      // A broken config.json is the model loader's error to report; the tokenizer treats it as BERT.
    }
    return !from_json || model_type.empty() || model_type == "bert" || model_type == "distilbert" ||
           model_type == "electra";
  }
  for (const char* c : kBertClasses) {
    if (cls == c) return true;
  }
  if ((cls == "PreTrainedTokenizerFast" || cls == "TokenizersBackend") && from_json) return false;
  throw Error(ErrorCode::InvalidTokenizer, files.path("tokenizer_config.json").string() + ": tokenizer_class \"" +
                                               cls + "\" is not a BERT WordPiece tokenizer");
}

BertTokenizerSpec resolve_bert_spec(const TokenizerFiles& files) {
  BertTokenizerSpec spec;
  BertTokenizerOptions& o = spec.options;
  const fs::path config_json = files.path("tokenizer_config.json"), special_json = files.path("special_tokens_map.json");
  const std::optional<Json>& cfg = files.tokenizer_config;
  const bool bert_class = resolves_to_bert_class(files);
  if (files.tokenizer_json) {
    spec.vocab = wordpiece_vocab(*files.tokenizer_json);
    if (!bert_class) read_bert_pipeline(*files.tokenizer_json, o);
  } else {
    spec.vocab = parse_vocab_txt(*files.vocab_txt, files.path("vocab.txt"));
  }
  if (bert_class) {
    o.clean_text = true;
    o.handle_chinese_chars = true;
    o.lowercase = true;
    o.strip_accents = std::nullopt;
    o.continuing_subword_prefix = "##";
    o.max_input_chars_per_word = 100;
    if (cfg) {
      if (auto v = optional_bool(*cfg, "do_lower_case", config_json.string())) o.lowercase = *v;
      if (auto v = optional_bool(*cfg, "tokenize_chinese_chars", config_json.string())) o.handle_chinese_chars = *v;
      o.strip_accents = optional_bool(*cfg, "strip_accents", config_json.string());
    }
  }
  std::string mask_token = "[MASK]", pad_token = "[PAD]";
  if (files.special_tokens_map) apply_special_tokens(*files.special_tokens_map, special_json, o, pad_token);
  if (cfg) {
    apply_special_tokens(*cfg, config_json, o, pad_token);
    if (auto t = token_name(*cfg, "mask_token", config_json)) mask_token = *t;
    if (auto m = cfg->find("model_max_length"); m != cfg->end() && m->is_number()) {
      const double v = m->get<double>();
      // transformers writes ~1e30 when the length is unknown.
      if (v >= 1 && v <= 1e9) o.model_max_length = static_cast<size_t>(v);
    }
  }
  if (bert_class) {
    // BertTokenizer registers its special tokens as added (raw-matched) tokens.
    for (const std::string& t : {o.unk_token, o.sep_token, pad_token, o.cls_token, mask_token}) {
      o.added_tokens.push_back(t);
    }
  }
  return spec;
}

// tokenizer_config.json's model_max_length when it is a real limit (transformers writes ~1e30 for "unknown").
std::optional<size_t> config_model_max_length(const TokenizerFiles& files) {
  if (!files.tokenizer_config) return std::nullopt;
  auto m = files.tokenizer_config->find("model_max_length");
  if (m == files.tokenizer_config->end() || !m->is_number()) return std::nullopt;
  const double v = m->get<double>();
  return v >= 1 && v <= 1e9 ? std::optional<size_t>(static_cast<size_t>(v)) : std::nullopt;
}

// config.json's model_type, "" when absent or unreadable (a broken config.json is the model loader's to report).
std::string config_model_type(const TokenizerFiles& files) {
  const auto text = read_if_present(files.path("config.json"), "config.json", kSmallJsonMaxBytes);
  if (!text) return "";
  try {
    const Json mc = parse_json(*text, "config.json", {.code = ErrorCode::InvalidConfig});
    if (mc.is_object() && mc.contains("model_type") && mc["model_type"].is_string()) {
      return mc["model_type"].get<std::string>();
    }
  } catch (const std::exception&) {
  }
  return "";
}

// Which pipeline transformers 5 builds for a BPE tokenizer.json: RobertaTokenizer (tokenizer_class, or
// model_type "roberta" without one) rebuilds it from the vocab and merges with its own settings;
// PreTrainedTokenizerFast / TokenizersBackend (or no class) use the file as serialized. Other classes rebuild
// in ways not reproduced here: refused.
BpeTokenizerConfig resolve_bpe_config(const TokenizerFiles& files) {
  BpeTokenizerConfig config;
  config.model_max_length = config_model_max_length(files);
  const fs::path config_json = files.path("tokenizer_config.json");
  std::string cls;
  if (files.tokenizer_config) {
    auto it = files.tokenizer_config->find("tokenizer_class");
    if (it != files.tokenizer_config->end() && it->is_string()) cls = it->get<std::string>();
  }
  const bool roberta = cls == "RobertaTokenizer" || cls == "RobertaTokenizerFast" ||
                       (cls.empty() && config_model_type(files) == "roberta");
  if (roberta) {
    RobertaRebuild r;
    for (const std::optional<Json>* source : {&files.special_tokens_map, &files.tokenizer_config}) {
      if (!*source) continue;
      const fs::path file = source == &files.tokenizer_config ? config_json : files.path("special_tokens_map.json");
      if (auto t = token_name(**source, "cls_token", file)) r.cls_token = *t;
      if (auto t = token_name(**source, "sep_token", file)) r.sep_token = *t;
    }
    if (files.tokenizer_config) {
      r.add_prefix_space =
          optional_bool(*files.tokenizer_config, "add_prefix_space", config_json.string()).value_or(false);
    }
    config.roberta = r;
    return config;
  }
  if (!cls.empty() && cls != "PreTrainedTokenizerFast" && cls != "TokenizersBackend") {
    throw Error(ErrorCode::UnsupportedTokenizer,
                config_json.string() + ": tokenizer_class \"" + cls +
                    "\" over a BPE tokenizer.json is not supported (supported: RobertaTokenizer, "
                    "PreTrainedTokenizerFast, TokenizersBackend)");
  }
  return config;
}

// A Unigram tokenizer.json as transformers 5 loads it: XLMRobertaTokenizer / DebertaV2Tokenizer (tokenizer_class,
// or the model_type's default class) rebuild the pipeline from the pieces; TokenizersBackend / PreTrainedTokenizerFast
// (or no class at all) run the file as serialized; other classes rebuild in ways not reproduced here: refused.
std::shared_ptr<const Tokenizer> load_unigram(const TokenizerFiles& files) {
  const fs::path config_json = files.path("tokenizer_config.json");
  std::string cls;
  if (files.tokenizer_config) {
    auto it = files.tokenizer_config->find("tokenizer_class");
    if (it != files.tokenizer_config->end() && it->is_string()) cls = it->get<std::string>();
  }
  const auto which = unigram_tokenizer_class(cls, cls.empty() ? config_model_type(files) : std::string());
  if (!which) {
    throw Error(ErrorCode::UnsupportedTokenizer,
                config_json.string() + ": tokenizer_class \"" + cls +
                    "\" over a Unigram tokenizer.json is not supported (supported: XLMRobertaTokenizer, "
                    "DebertaV2Tokenizer, PreTrainedTokenizerFast, TokenizersBackend)");
  }
  UnigramTokenizerSources sources;
  sources.tokenizer_json = &*files.tokenizer_json;
  sources.tokenizer_config = files.tokenizer_config ? &*files.tokenizer_config : nullptr;
  sources.special_tokens_map = files.special_tokens_map ? &*files.special_tokens_map : nullptr;
  sources.tokenizer_config_path = config_json.string();
  return make_unigram_tokenizer(sources, *which);
}

// Runs `load` with std::filesystem failures (e.g. a directory we may not list) reported as ours.
template <class Load>
auto reporting_filesystem_errors(const std::string& model_dir, Load load) {
  try {
    return load();
  } catch (const fs::filesystem_error& e) {
    throw Error(ErrorCode::FileUnreadable, "cannot read tokenizer files in " + model_dir + ": " + e.what());
  }
}

}  // namespace

BertTokenizerSpec read_bert_tokenizer_spec(const std::string& model_dir) {
  return reporting_filesystem_errors(model_dir, [&] {
    const TokenizerFiles files = read_tokenizer_files(model_dir);
    if (files.model_type != "WordPiece") {
      throw Error(ErrorCode::UnsupportedTokenizer, files.tokenizer_json->path + ": model type '" + files.model_type +
                                                       "' is not a WordPiece (BERT) tokenizer");
    }
    return resolve_bert_spec(files);
  });
}

std::shared_ptr<const Tokenizer> load_tokenizer(const std::string& model_dir) {
  return reporting_filesystem_errors(model_dir, [&]() -> std::shared_ptr<const Tokenizer> {
    const TokenizerFiles files = read_tokenizer_files(model_dir);
    if (files.model_type == "WordPiece") {
      const BertTokenizerSpec spec = resolve_bert_spec(files);
      return make_bert_tokenizer(spec.vocab, spec.options);
    }
    if (files.model_type == "BPE") return make_bpe_tokenizer(*files.tokenizer_json, resolve_bpe_config(files));
    if (files.model_type == "Unigram") return load_unigram(files);
    throw Error(ErrorCode::UnsupportedTokenizer, files.tokenizer_json->path + ": model type '" + files.model_type +
                                                     "' is not supported yet (supported: WordPiece, BPE, Unigram)");
  });
}

}  // namespace ce
