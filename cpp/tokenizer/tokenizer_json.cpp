// tokenizer.json: the parsed document, its model type and vocab, and the BERT pipeline's components read as
// tokenizers serializes them.
#include "tokenizer/tokenizer_json.h"

#include <optional>

#include "common/error.h"

namespace ce {
namespace {

Error invalid(const TokenizerJson& t, const std::string& what) { return tokenizer_json_invalid(t, what); }

Error unsupported(const TokenizerJson& t, const std::string& component, const std::string& type,
                  const std::string& supported) {
  return tokenizer_json_unsupported(t, component, type, supported);
}

std::string component_type(const TokenizerJson& t, const Json& component, const char* name) {
  return tokenizer_json_component_type(t, component, name);
}

const Json& model_of(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw invalid(t, "no \"model\" object");
  return *model;
}

// A special token's single id from a post-processor; throws InvalidTokenizer for anything else.
int32_t single_id(const TokenizerJson& t, const Json& value, const std::string& where) {
  const std::optional<int32_t> id = value.get_integer<int32_t>();
  if (!id || *id < 0 || *id >= (1 << 24)) throw invalid(t, where + " is not a valid token id");
  return *id;
}

// BertProcessing: {"sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}.
void read_bert_processing(const TokenizerJson& t, const Json& pp, BertTokenizerOptions& o) {
  auto token = [&](const char* key) {
    auto it = pp.find(key);
    if (it == pp.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_string()) {
      throw invalid(t, std::string("post_processor.") + key + " must be [token, id]");
    }
    return std::make_pair((*it)[0].get<std::string>(), single_id(t, (*it)[1], std::string("post_processor.") + key));
  };
  const auto cls = token("cls"), sep = token("sep");
  o.cls_token = cls.first;
  o.cls_id = cls.second;
  o.sep_token = sep.first;
  o.sep_id = sep.second;
}

// TemplateProcessing whose pair template is BERT's: X:0 $A:0 Y:0 $B:1 Y:1 with one id each for X and Y.
void read_template_processing(const TokenizerJson& t, const Json& pp, BertTokenizerOptions& o) {
  auto pair = pp.find("pair");
  if (pair == pp.end() || !pair->is_array()) throw invalid(t, "post_processor.pair is not an array");
  // Each piece as "name:type_id" ("$A:0" for a sequence), for the comparison and the message.
  std::vector<std::string> pieces;
  std::vector<std::string> specials;
  for (const Json& piece : *pair) {
    const bool is_special = piece.is_object() && piece.contains("SpecialToken");
    const bool is_sequence = piece.is_object() && piece.contains("Sequence");
    if (!is_special && !is_sequence) throw invalid(t, "post_processor.pair has a piece that is neither SpecialToken nor Sequence");
    const Json& body = piece[is_special ? "SpecialToken" : "Sequence"];
    if (!body.is_object() || !body.value("id", Json()).is_string() || !body.value("type_id", Json()).is_number_unsigned()) {
      throw invalid(t, "post_processor.pair has a piece without a string \"id\" and an unsigned \"type_id\"");
    }
    const std::string id = body["id"].get<std::string>();
    pieces.push_back((is_special ? id : "$" + id) + ":" + std::to_string(body["type_id"].get<uint64_t>()));
    if (is_special) specials.push_back(id);
  }
  const bool bert_shape = pieces.size() == 5 && specials.size() == 3 && specials[1] == specials[2] &&
                          pieces[0] == specials[0] + ":0" && pieces[1] == "$A:0" && pieces[2] == specials[1] + ":0" &&
                          pieces[3] == "$B:1" && pieces[4] == specials[2] + ":1";
  if (!bert_shape) {
    std::string shape;
    for (const std::string& p : pieces) shape += (shape.empty() ? "" : " ") + p;
    throw unsupported(t, "post_processor TemplateProcessing pair template", shape,
                      "BERT's [CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1");
  }
  auto special_id = [&](const std::string& name) {
    const Json& tokens = pp.value("special_tokens", Json::object());
    auto it = tokens.is_object() ? tokens.find(name) : tokens.end();
    if (it == tokens.end() || !it->is_object() || !it->value("ids", Json()).is_array() || (*it)["ids"].size() != 1) {
      throw invalid(t, "post_processor.special_tokens[\"" + name + "\"] must have exactly one id");
    }
    return single_id(t, (*it)["ids"][0], "post_processor.special_tokens[\"" + name + "\"].ids[0]");
  };
  o.cls_token = specials[0];
  o.cls_id = special_id(specials[0]);
  o.sep_token = specials[1];
  o.sep_id = special_id(specials[1]);
}

}  // namespace

Error tokenizer_json_invalid(const TokenizerJson& t, const std::string& what) {
  return Error(ErrorCode::InvalidTokenizer, t.path + ": " + what);
}

Error tokenizer_json_unsupported(const TokenizerJson& t, const std::string& component, const std::string& type,
                                 const std::string& supported) {
  return Error(ErrorCode::UnsupportedTokenizer, t.path + ": " + component + " '" + type +
                                                    "' is not supported yet (supported: " + supported + ")");
}

std::string tokenizer_json_component_type(const TokenizerJson& t, const Json& component, const char* name) {
  if (!component.is_object()) throw tokenizer_json_invalid(t, std::string(name) + " is not an object");
  auto type = component.find("type");
  if (type == component.end() || !type->is_string()) {
    throw tokenizer_json_invalid(t, std::string(name) + " has no string \"type\"");
  }
  return type->get<std::string>();
}

std::optional<bool> optional_bool(const Json& obj, const char* key, const std::string& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw Error(ErrorCode::InvalidTokenizer, file + ": \"" + key + "\" must be a boolean");
  return it->get<bool>();
}

TokenizerJson parse_tokenizer_json(const std::string& text, const std::string& path) {
  TokenizerJson out;
  out.path = path;
  out.doc = parse_json(text, path, {.code = ErrorCode::InvalidTokenizer});
  if (!out.doc.is_object()) throw invalid(out, "top level is not a JSON object");
  return out;
}

std::string tokenizer_json_model_type(const TokenizerJson& t) { return component_type(t, model_of(t), "model"); }

std::vector<std::string> wordpiece_vocab(const TokenizerJson& t) {
  const Json& model = model_of(t);
  auto vocab_it = model.find("vocab");
  if (vocab_it == model.end() || !vocab_it->is_object()) throw invalid(t, "model.vocab is not an object");
  // The object's semantics: a repeated key keeps its last value; entries are visited in key order, so when two
  // tokens claim one id the greater token is the one kept, and the first invalid id reported is the smallest key.
  std::vector<std::string> vocab;
  for (const auto& [key, value] : vocab_it->items()) {
    const std::optional<size_t> id = value.get_integer<size_t>();
    if (!id || *id >= (1 << 24)) throw invalid(t, "model.vocab[\"" + key + "\"] is not a valid id");
    if (*id >= vocab.size()) vocab.resize(*id + 1);
    vocab[*id] = key;
  }
  return vocab;
}

void read_bert_pipeline(const TokenizerJson& t, BertTokenizerOptions& o) {
  const Json& model = model_of(t);
  try {
    if (auto u = model.find("unk_token"); u != model.end() && u->is_string()) o.unk_token = u->get<std::string>();
    if (auto p = model.find("continuing_subword_prefix"); p != model.end() && p->is_string()) {
      o.continuing_subword_prefix = p->get<std::string>();
    }
    if (auto m = model.find("max_input_chars_per_word"); m != model.end() && m->is_number_unsigned()) {
      o.max_input_chars_per_word = m->get<size_t>();
    }
  } catch (const JsonAccessError& e) {
    throw invalid(t, std::string("model: ") + e.what());
  }
  auto norm = t.doc.find("normalizer");
  if (norm == t.doc.end() || norm->is_null()) {
    o.clean_text = o.handle_chinese_chars = o.lowercase = false;
    o.strip_accents = false;
  } else {
    const std::string type = component_type(t, *norm, "normalizer");
    if (type != "BertNormalizer") throw unsupported(t, "normalizer type", type, "BertNormalizer");
    o.clean_text = optional_bool(*norm, "clean_text", t.path).value_or(true);
    o.handle_chinese_chars = optional_bool(*norm, "handle_chinese_chars", t.path).value_or(true);
    o.lowercase = optional_bool(*norm, "lowercase", t.path).value_or(true);
    o.strip_accents = optional_bool(*norm, "strip_accents", t.path);
  }
  // Without a pre-tokenizer tokenizers hands the whole text to the model as one word; not supported yet.
  auto pre = t.doc.find("pre_tokenizer");
  const std::string pre_type =
      pre == t.doc.end() || pre->is_null() ? std::string("null") : component_type(t, *pre, "pre_tokenizer");
  if (pre_type != "BertPreTokenizer") throw unsupported(t, "pre_tokenizer type", pre_type, "BertPreTokenizer");
  // Without a post-processor a pair gets no special tokens at all; not supported yet.
  auto post = t.doc.find("post_processor");
  const std::string post_type =
      post == t.doc.end() || post->is_null() ? std::string("null") : component_type(t, *post, "post_processor");
  if (post_type == "BertProcessing") {
    read_bert_processing(t, *post, o);
  } else if (post_type == "TemplateProcessing") {
    read_template_processing(t, *post, o);
  } else {
    throw unsupported(t, "post_processor type", post_type, "TemplateProcessing, BertProcessing");
  }
  if (auto added = t.doc.find("added_tokens"); added != t.doc.end() && added->is_array()) {
    for (const Json& token : *added) {
      // Normalized added tokens would be matched after normalization; BERT's are all raw.
      if (token.is_object() && token.value("content", Json()).is_string() &&
          !optional_bool(token, "normalized", t.path).value_or(false)) {
        o.added_tokens.push_back(token["content"].get<std::string>());
      }
    }
  }
}

}  // namespace ce
