// read_bpe_*: model.vocab, model.merges in the legacy "a b" or the [a, b] form.
#include "tokenizer/bpe_json.h"

namespace ce {
namespace {

const Json& model_object(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw tokenizer_json_invalid(t, "no \"model\" object");
  return *model;
}

std::optional<std::string> optional_string(const TokenizerJson& t, const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw tokenizer_json_invalid(t, std::string("model.") + key + " must be a string or null");
  return it->get<std::string>();
}

}  // namespace

BpeTables read_bpe_tables(const TokenizerJson& t) {
  const Json& model = model_object(t);
  auto vocab = model.find("vocab");
  if (vocab == model.end() || !vocab->is_object()) throw tokenizer_json_invalid(t, "model.vocab is not an object");
  BpeTables tables;
  // In key order, one entry per key (a repeated key keeps its last id, as tokenizers' map does).
  tables.vocab.reserve(vocab->size());
  for (const auto& [token, value] : vocab->items()) {
    const std::optional<int32_t> id = value.get_integer<int32_t>();
    if (!id || *id < 0 || *id >= (1 << 24)) throw tokenizer_json_invalid(t, "model.vocab[\"" + token + "\"] is not a valid id");
    tables.vocab.emplace_back(token, *id);
  }
  auto merges = model.find("merges");
  if (merges == model.end() || merges->is_null()) return tables;
  if (!merges->is_array()) throw tokenizer_json_invalid(t, "model.merges is not an array");
  tables.merges.reserve(merges->size());
  for (size_t i = 0; i < merges->size(); ++i) {
    const Json& m = (*merges)[i];
    const std::string where = "model.merges[" + std::to_string(i) + "]";
    if (m.is_string()) {
      // tokenizers splits the legacy form on ' ' and wants exactly two parts.
      const std::string line = m.get<std::string>();
      const size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        throw tokenizer_json_invalid(t, where + " \"" + line + "\" is not two tokens separated by one space");
      }
      tables.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      tables.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      throw tokenizer_json_invalid(t, where + " is neither \"a b\" nor [\"a\", \"b\"]");
    }
  }
  return tables;
}

BpeOptions read_bpe_options(const TokenizerJson& t) {
  const Json& model = model_object(t);
  if (auto d = model.find("dropout"); d != model.end() && !d->is_null()) {
    if (!d->is_number()) throw tokenizer_json_invalid(t, "model.dropout must be a number or null");
    if (d->get<double>() != 0.0) {
      throw tokenizer_json_unsupported(t, "model.dropout", d->dump(), "null or 0: dropout makes encoding random");
    }
  }
  BpeOptions o;
  o.unk_token = optional_string(t, model, "unk_token");
  o.continuing_subword_prefix = optional_string(t, model, "continuing_subword_prefix").value_or("");
  o.end_of_word_suffix = optional_string(t, model, "end_of_word_suffix").value_or("");
  o.fuse_unk = optional_bool(model, "fuse_unk", t.path).value_or(false);
  o.byte_fallback = optional_bool(model, "byte_fallback", t.path).value_or(false);
  o.ignore_merges = optional_bool(model, "ignore_merges", t.path).value_or(false);
  return o;
}

std::unique_ptr<const Bpe> read_bpe_model(const TokenizerJson& t) {
  const BpeTables tables = read_bpe_tables(t);
  try {
    return std::make_unique<const Bpe>(tables.vocab, tables.merges, read_bpe_options(t));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::InvalidTokenizer) throw;
    throw tokenizer_json_invalid(t, e.what());
  }
}

}  // namespace ce
