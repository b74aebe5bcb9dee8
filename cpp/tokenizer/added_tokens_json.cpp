// read_added_tokens: each added_tokens entry validated, its options with tokenizers' defaults.
#include "tokenizer/added_tokens_json.h"

#include "common/error.h"
#include "tokenizer/json_fields.h"

namespace ce {

using namespace json_fields;

std::vector<AddedToken> read_added_tokens(const TokenizerJson& t, const TokenizerModel& model, size_t id_limit) {
  std::vector<AddedToken> out;
  auto added = t.doc.find("added_tokens");
  if (added == t.doc.end() || added->is_null()) return out;
  if (!added->is_array()) throw tokenizer_json_invalid(t, "added_tokens must be an array");
  for (size_t i = 0; i < added->size(); ++i) {
    const Json& token = (*added)[i];
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!token.is_object()) throw tokenizer_json_invalid(t, where + " is not an object");
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
      const std::optional<int64_t> value = id == token.end() ? std::nullopt : id->get_integer<int64_t>();
      if (!value || *value < 0 || *value >= static_cast<int64_t>(id_limit)) {
        throw tokenizer_json_invalid(t, where + ".id must be an integer below " + std::to_string(id_limit));
      }
      a.id = static_cast<int32_t>(*value);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace ce
