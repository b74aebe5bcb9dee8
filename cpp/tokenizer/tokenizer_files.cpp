// BertTokenizer::from_directory: reads tokenizer.json or vocab.txt, tokenizer_config.json and
// special_tokens_map.json the way transformers + tokenizers interpret them.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "io/untrusted_json.h"
#include "tokenizer/bert_tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Through the core's one checked open: a FIFO or a device is refused instead of hanging or reading forever.
std::string read_file(const fs::path& path, size_t max_bytes = file_limits::kSmallJson) {
  return read_file_to_string(path.string(), path.filename().string(), max_bytes);
}

// A JSON tokenizer file's text, its nesting bounded before the parser sees it.
std::string read_json_text(const fs::path& path, size_t max_bytes = file_limits::kSmallJson) {
  std::string text = read_file(path, max_bytes);
  check_json_depth(text, path.string(), ErrorCode::InvalidTokenizer);
  return text;
}

json parse_json(const fs::path& path) {
  try {
    json j = json::parse(read_json_text(path));
    if (!j.is_object()) throw Error(ErrorCode::InvalidTokenizer, path.string() + ": top level is not a JSON object");
    return j;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::InvalidTokenizer, path.string() + ": malformed JSON: " + e.what());
  }
}

// vocab.txt as transformers 5 loads it for BertTokenizer: tokenizers' WordPiece::from_file, i.e. Rust's
// BufRead::lines (split on \n, a trailing \r dropped) and then trim_end (trailing White_Space dropped, so
// "the \r" is "the"); id = line number. A lone \r is not a line break.
std::vector<std::string> read_vocab_txt(const fs::path& path) {
  const std::string data = read_file(path, file_limits::kTokenizer);
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
std::optional<std::string> token_name(const json& obj, const char* key, const fs::path& file) {
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

std::optional<bool> optional_bool(const json& obj, const char* key, const fs::path& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw Error(ErrorCode::InvalidTokenizer, file.string() + ": \"" + key + "\" must be a boolean");
  return it->get<bool>();
}

void apply_special_tokens(const json& obj, const fs::path& file, TokenizerOptions& o) {
  if (auto t = token_name(obj, "unk_token", file)) o.unk_token = *t;
  if (auto t = token_name(obj, "cls_token", file)) o.cls_token = *t;
  if (auto t = token_name(obj, "sep_token", file)) o.sep_token = *t;
  if (auto t = token_name(obj, "pad_token", file)) o.pad_token = *t;
}

// tokenizer.json: the WordPiece model's vocab and the BertNormalizer flags.
// With pipeline_from_json false only the vocab is taken (transformers' BertTokenizer rebuilds the rest).
// Parses tokenizer.json, except that the entries of model.vocab (30k+ of them) are handed to `entries` in file
// order instead of being inserted into the document's std::map: that insertion was most of the load time of
// the tokenizer. model.vocab itself stays in the document, empty.
json parse_tokenizer_json(const fs::path& path, std::vector<std::pair<std::string, json>>& entries) {
  std::string keys[4];  // the last key seen at depths 1..3
  bool in_vocab = false;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if (event == E::key && depth <= 3) keys[depth] = parsed.get<std::string>();
    if (event == E::object_start && depth == 2 && keys[1] == "model" && keys[2] == "vocab") {
      in_vocab = true;
      entries.clear();  // a repeated "vocab" (or "model") key: the last one wins, as in the document
      return true;
    }
    if (in_vocab && event == E::object_end && depth == 2) in_vocab = false;
    if (!in_vocab || depth != 3) return true;
    if (event == E::value) entries.emplace_back(keys[3], std::move(parsed));
    if (event == E::object_start || event == E::array_start) entries.emplace_back(keys[3], json());  // not an id
    return false;  // keys, values and nested containers of model.vocab stay out of the document
  };
  try {
    json j = json::parse(read_json_text(path, file_limits::kTokenizer), callback);
    if (!j.is_object()) throw Error(ErrorCode::InvalidTokenizer, path.string() + ": top level is not a JSON object");
    return j;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::InvalidTokenizer, path.string() + ": malformed JSON: " + e.what());
  }
}

std::vector<std::string> read_tokenizer_json(const fs::path& path, bool pipeline_from_json, TokenizerOptions& o) {
  std::vector<std::pair<std::string, json>> entries;
  const json j = parse_tokenizer_json(path, entries);
  auto bad = [&](const std::string& what) { return Error(ErrorCode::InvalidTokenizer, path.string() + ": " + what); };
  auto model = j.find("model");
  if (model == j.end() || !model->is_object()) throw bad("no \"model\" object");
  const std::string type = model->value("type", std::string());
  if (type != "WordPiece") {
    throw bad("model type is \"" + (type.empty() ? std::string("<missing>") : type) +
              "\", only WordPiece (BERT) tokenizers are supported");
  }
  auto vocab_it = model->find("vocab");
  if (vocab_it == model->end() || !vocab_it->is_object()) throw bad("model.vocab is not an object");
  // The document's semantics: a repeated key keeps its last value; entries are visited in key order, so when two
  // tokens claim one id the greater token is the one kept, and the first invalid id reported is the smallest key.
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return entries[a].first < entries[b].first; });
  std::vector<std::string> vocab;
  for (size_t n = 0; n < order.size(); ++n) {
    if (n + 1 < order.size() && entries[order[n + 1]].first == entries[order[n]].first) continue;  // overridden
    auto& [key, value] = entries[order[n]];
    if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() >= (1 << 24)) {
      throw bad("model.vocab[\"" + key + "\"] is not a valid id");
    }
    const size_t id = value.get<size_t>();
    if (id >= vocab.size()) vocab.resize(id + 1);
    vocab[id] = std::move(key);
  }
  if (!pipeline_from_json) return vocab;
  try {
    if (auto u = model->find("unk_token"); u != model->end() && u->is_string()) o.unk_token = u->get<std::string>();
    if (auto p = model->find("continuing_subword_prefix"); p != model->end() && p->is_string()) {
      o.continuing_subword_prefix = p->get<std::string>();
    }
    if (auto m = model->find("max_input_chars_per_word"); m != model->end() && m->is_number_unsigned()) {
      o.max_input_chars_per_word = m->get<size_t>();
    }
  } catch (const json::exception& e) {
    throw bad(std::string("model: ") + e.what());
  }
  auto norm = j.find("normalizer");
  if (norm == j.end() || norm->is_null()) {
    o.clean_text = o.handle_chinese_chars = o.lowercase = false;
    o.strip_accents = false;
  } else {
    if (!norm->is_object() || norm->value("type", std::string()) != "BertNormalizer") {
      throw bad("normalizer must be a BertNormalizer");
    }
    o.clean_text = optional_bool(*norm, "clean_text", path).value_or(true);
    o.handle_chinese_chars = optional_bool(*norm, "handle_chinese_chars", path).value_or(true);
    o.lowercase = optional_bool(*norm, "lowercase", path).value_or(true);
    o.strip_accents = optional_bool(*norm, "strip_accents", path);
  }
  auto pre = j.find("pre_tokenizer");
  if (pre != j.end() && !pre->is_null() &&
      (!pre->is_object() || pre->value("type", std::string()) != "BertPreTokenizer")) {
    throw bad("pre_tokenizer must be a BertPreTokenizer");
  }
  if (auto added = j.find("added_tokens"); added != j.end() && added->is_array()) {
    for (const json& t : *added) {
      // Normalized added tokens would be matched after normalization; BERT's are all raw.
      if (t.is_object() && t.value("content", json()).is_string() && !t.value("normalized", false)) {
        o.added_tokens.push_back(t["content"].get<std::string>());
      }
    }
  }
  return vocab;
}

// Which class transformers 5's AutoTokenizer builds. A BERT-family class (tokenizer_config's tokenizer_class,
// else config.json's model_type) rebuilds the pipeline from the vocab alone: normalizer flags from
// tokenizer_config.json with BertTokenizer's defaults (clean_text always on), WordPiece "##" / 100, and the
// tokenizer.json normalizer is ignored. PreTrainedTokenizerFast / TokenizersBackend, or no class at all, use
// tokenizer.json exactly as serialized. Other classes (MPNet, RoBERTa, ...) use other templates: rejected.
bool resolves_to_bert_class(const fs::path& dir, const std::optional<json>& cfg, bool from_json) {
  static const char* const kBertClasses[] = {"BertTokenizer", "BertTokenizerFast", "DistilBertTokenizer",
                                             "DistilBertTokenizerFast", "ElectraTokenizer", "ElectraTokenizerFast"};
  std::string cls;
  if (cfg) {
    auto it = cfg->find("tokenizer_class");
    if (it != cfg->end() && it->is_string()) cls = it->get<std::string>();
  }
  if (cls.empty()) {
    const fs::path model_config = dir / "config.json";
    if (!fs::exists(model_config)) return !from_json;  // vocab.txt alone can only be a BertTokenizer
    std::string model_type;
    try {
      const json mc = json::parse(read_file(model_config));
      if (mc.is_object() && mc.contains("model_type") && mc["model_type"].is_string()) model_type = mc["model_type"];
    } catch (const json::exception&) {
      // A broken config.json is the model loader's error to report; the tokenizer treats it as BERT.
    }
    return !from_json || model_type.empty() || model_type == "bert" || model_type == "distilbert" ||
           model_type == "electra";
  }
  for (const char* c : kBertClasses) {
    if (cls == c) return true;
  }
  if ((cls == "PreTrainedTokenizerFast" || cls == "TokenizersBackend") && from_json) return false;
  throw Error(ErrorCode::InvalidTokenizer, (dir / "tokenizer_config.json").string() + ": tokenizer_class \"" + cls +
                                               "\" is not a BERT WordPiece tokenizer");
}

BertTokenizer load_directory(const std::string& model_dir) {
  const fs::path dir(model_dir);
  if (!fs::is_directory(dir)) throw Error(ErrorCode::FileNotFound, "model directory not found: " + model_dir);
  TokenizerOptions o;
  std::vector<std::string> vocab;
  const fs::path tokenizer_json = dir / "tokenizer.json", vocab_txt = dir / "vocab.txt";
  const fs::path config_json = dir / "tokenizer_config.json", special_json = dir / "special_tokens_map.json";
  const bool from_json = fs::exists(tokenizer_json);
  if (!from_json && !fs::exists(vocab_txt)) {
    throw Error(ErrorCode::FileNotFound, "no tokenizer.json or vocab.txt in " + model_dir);
  }
  std::optional<json> cfg;
  if (fs::exists(config_json)) cfg = parse_json(config_json);
  const bool bert_class = resolves_to_bert_class(dir, cfg, from_json);
  vocab = from_json ? read_tokenizer_json(tokenizer_json, !bert_class, o) : read_vocab_txt(vocab_txt);
  if (bert_class) {
    o.clean_text = true;
    o.handle_chinese_chars = true;
    o.lowercase = true;
    o.strip_accents = std::nullopt;
    o.continuing_subword_prefix = "##";
    o.max_input_chars_per_word = 100;
    if (cfg) {
      if (auto v = optional_bool(*cfg, "do_lower_case", config_json)) o.lowercase = *v;
      if (auto v = optional_bool(*cfg, "tokenize_chinese_chars", config_json)) o.handle_chinese_chars = *v;
      o.strip_accents = optional_bool(*cfg, "strip_accents", config_json);
    }
  }
  if (fs::exists(special_json)) apply_special_tokens(parse_json(special_json), special_json, o);
  std::string mask_token = "[MASK]";
  if (cfg) {
    apply_special_tokens(*cfg, config_json, o);
    if (auto t = token_name(*cfg, "mask_token", config_json)) mask_token = *t;
    if (auto m = cfg->find("model_max_length"); m != cfg->end() && m->is_number()) {
      const double v = m->get<double>();
      // transformers writes ~1e30 when the length is unknown.
      if (v >= 1 && v <= 1e9) o.model_max_length = static_cast<size_t>(v);
    }
  }
  if (bert_class) {
    // BertTokenizer registers its special tokens as added (raw-matched) tokens.
    for (const std::string& t : {o.unk_token, o.sep_token, o.pad_token, o.cls_token, mask_token}) {
      o.added_tokens.push_back(t);
    }
  }
  return BertTokenizer(std::move(vocab), std::move(o));
}

}  // namespace

BertTokenizer BertTokenizer::from_directory(const std::string& model_dir) {
  try {
    return load_directory(model_dir);
  } catch (const fs::filesystem_error& e) {
    // e.g. a directory we may not list: report it as ours instead of letting std:: errors escape.
    throw Error(ErrorCode::FileUnreadable, "cannot read tokenizer files in " + model_dir + ": " + e.what());
  }
}

}  // namespace ce
