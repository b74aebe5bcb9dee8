// read_post_processor: each HF post-processor type as the template it amounts to, its fields validated.
#include "tokenizer/post_processor_json.h"

#include <map>
#include <optional>

namespace ce {
namespace {

constexpr const char* kSupported = "TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel, Sequence";

struct Reader {
  const TokenizerJson& t;
  size_t id_limit;

  int32_t token_id(const Json& value, const std::string& where) const {
    const std::optional<int64_t> id = value.get_integer<int64_t>();
    if (!id || *id < 0 || static_cast<uint64_t>(*id) >= id_limit) {
      throw tokenizer_json_invalid(t, where + " is not a token id below " + std::to_string(id_limit) +
                                          " (the vocab and added tokens)");
    }
    return static_cast<int32_t>(*id);
  }

  // RobertaProcessing's / BertProcessing's "cls" or "sep": ["<s>", 0].
  std::pair<std::string, int32_t> named_token(const Json& pp, const char* key, const std::string& where) const {
    auto it = pp.find(key);
    if (it == pp.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_string()) {
      throw tokenizer_json_invalid(t, where + "." + key + " must be [token, id]");
    }
    return {(*it)[0].get<std::string>(), token_id((*it)[1], where + "." + key + "[1]")};
  }

  // TemplateProcessing's "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]}}.
  std::map<std::string, std::vector<int32_t>> special_tokens(const Json& pp, const std::string& where) const {
    std::map<std::string, std::vector<int32_t>> out;
    auto it = pp.find("special_tokens");
    if (it == pp.end() || it->is_null()) return out;
    if (!it->is_object()) throw tokenizer_json_invalid(t, where + ".special_tokens is not an object");
    for (const auto& [name, entry] : it->items()) {
      const std::string at = where + ".special_tokens[\"" + name + "\"]";
      if (!entry.is_object() || !entry.value("ids", Json()).is_array() || !entry.value("tokens", Json()).is_array()) {
        throw tokenizer_json_invalid(t, at + " must have \"ids\" and \"tokens\" arrays");
      }
      const Json& ids = entry["ids"];
      if (ids.size() != entry["tokens"].size()) {  // HF refuses this too
        throw tokenizer_json_invalid(t, at + ": \"ids\" and \"tokens\" differ in length");
      }
      std::vector<int32_t>& out_ids = out[name];
      for (size_t i = 0; i < ids.size(); ++i) {
        out_ids.push_back(token_id(ids[i], at + ".ids[" + std::to_string(i) + "]"));
      }
    }
    return out;
  }

  Template template_pieces(const Json& pp, const char* key, const std::map<std::string, std::vector<int32_t>>& specials,
                           const std::string& where) const {
    const std::string at = where + "." + key;
    auto it = pp.find(key);
    if (it == pp.end() || !it->is_array()) throw tokenizer_json_invalid(t, at + " is not an array");
    Template pieces;
    for (const Json& piece : *it) {
      const bool is_special = piece.is_object() && piece.size() == 1 && piece.contains("SpecialToken");
      const bool is_sequence = piece.is_object() && piece.size() == 1 && piece.contains("Sequence");
      if (!is_special && !is_sequence) {
        throw tokenizer_json_invalid(t, at + " has a piece that is neither {\"SpecialToken\"} nor {\"Sequence\"}");
      }
      const Json& body = piece[is_special ? "SpecialToken" : "Sequence"];
      if (!body.is_object() || !body.value("id", Json()).is_string() ||
          !body.value("type_id", Json()).is_number_unsigned() || body["type_id"].get<uint64_t>() > 0xFFFF) {
        throw tokenizer_json_invalid(t, at + " has a piece without a string \"id\" and a small unsigned \"type_id\"");
      }
      TemplatePiece p;
      p.name = body["id"].get<std::string>();
      p.type_id = body["type_id"].get<uint32_t>();
      if (is_sequence) {
        if (p.name != "A" && p.name != "B") throw tokenizer_json_invalid(t, at + " has a Sequence other than A or B");
        p.kind = p.name == "A" ? TemplatePiece::Kind::SequenceA : TemplatePiece::Kind::SequenceB;
        p.name = "$" + p.name;
      } else {
        auto found = specials.find(p.name);
        if (found == specials.end()) {  // HF: "Missing SpecialToken(s) with id(s)"
          throw tokenizer_json_invalid(t, at + " uses special token '" + p.name + "', missing from special_tokens");
        }
        p.ids = found->second;
      }
      pieces.push_back(std::move(p));
    }
    return pieces;
  }

  // nullopt: ByteLevel, which leaves the ids as they are.
  std::optional<TemplateProcessing> read(const Json& pp, const std::string& where) const {
    const std::string type = tokenizer_json_component_type(t, pp, where.c_str());
    if (type == "ByteLevel") return std::nullopt;
    if (type == "TemplateProcessing") {
      const auto specials = special_tokens(pp, where);
      try {
        return TemplateProcessing(template_pieces(pp, "single", specials, where),
                                  template_pieces(pp, "pair", specials, where));
      } catch (const Error& e) {
        throw tokenizer_json_invalid(t, where + ": " + e.what());
      }
    }
    if (type == "RobertaProcessing" || type == "BertProcessing") {
      const auto cls = named_token(pp, "cls", where), sep = named_token(pp, "sep", where);
      return type == "RobertaProcessing" ? roberta_processing(cls.first, cls.second, sep.first, sep.second)
                                         : bert_processing(cls.first, cls.second, sep.first, sep.second);
    }
    if (type == "Sequence") {
      auto list = pp.find("processors");
      if (list == pp.end() || !list->is_array()) throw tokenizer_json_invalid(t, where + ".processors is not an array");
      std::optional<TemplateProcessing> only;
      for (size_t i = 0; i < list->size(); ++i) {
        auto inner = read((*list)[i], where + ".processors[" + std::to_string(i) + "]");
        if (!inner) continue;
        if (only) {
          throw tokenizer_json_unsupported(t, where + " Sequence", "with more than one token-adding processor",
                                           "a Sequence of ByteLevel and at most one other processor");
        }
        only = std::move(inner);
      }
      return only;
    }
    throw tokenizer_json_unsupported(t, where + " type", type, kSupported);
  }
};

}  // namespace

TemplateProcessing read_post_processor(const TokenizerJson& tokenizer, size_t id_limit) {
  auto pp = tokenizer.doc.find("post_processor");
  if (pp == tokenizer.doc.end() || pp->is_null()) return plain_processing();
  const Reader reader{tokenizer, id_limit};
  std::optional<TemplateProcessing> processing = reader.read(*pp, "post_processor");
  return processing ? std::move(*processing) : plain_processing();
}

}  // namespace ce
