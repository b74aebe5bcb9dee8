// transformers_added_tokens: PreTrainedTokenizerBase.from_pretrained's added-token resolution and
// TokenizersBackend.__init__'s "add the special tokens that are missing", reduced to what changes encoding.
#include "tokenizer/transformers_added_tokens.h"

#include <algorithm>

#include "common/error.h"

namespace ce {
namespace {

// An AddedToken from its serialized dict (tokenizers' defaults: normalized = !special).
AddedToken token_from_dict(const Json& d, const std::string& file, const std::string& where) {
  auto bad = [&](const std::string& why) { return Error(ErrorCode::InvalidTokenizer, file + ": " + where + " " + why); };
  if (!d.is_object()) throw bad("is not an object");
  auto content = d.find("content");
  if (content == d.end() || !content->is_string()) throw bad("has no string \"content\"");
  AddedToken t;
  t.content = content->get<std::string>();
  const bool special = optional_bool(d, "special", file).value_or(false);
  t.single_word = optional_bool(d, "single_word", file).value_or(false);
  t.lstrip = optional_bool(d, "lstrip", file).value_or(false);
  t.rstrip = optional_bool(d, "rstrip", file).value_or(false);
  t.normalized = optional_bool(d, "normalized", file).value_or(!special);
  return t;
}

// A named special token's value: "<s>" or an AddedToken dict; nullopt when absent or null.
std::optional<AddedToken> named_value(const Json& obj, const std::string& key, const std::string& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    AddedToken t;
    t.content = it->get<std::string>();
    return t;  // AddedToken(content, special=True): normalized false, no strip
  }
  AddedToken t = token_from_dict(*it, file, "\"" + key + "\"");
  t.normalized = optional_bool(*it, "normalized", file).value_or(false);  // special=True when read as a named token
  return t;
}

const char* const kNamedTokens[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                    "pad_token", "cls_token", "mask_token"};

}  // namespace

int32_t TransformersSpecialTokens::id_of(const std::string& name) const {
  auto it = named.find(name);
  if (it == named.end()) return -1;
  for (const AddedToken& t : added) {
    if (t.content == it->second) return t.id;
  }
  return -1;
}

TransformersSpecialTokens transformers_added_tokens(const TokenizerJson& tj, const Json* config,
                                                    const Json* special_map, const std::string& config_path,
                                                    const std::map<std::string, std::string>& defaults,
                                                    const TokenizerModel& model) {
  TransformersSpecialTokens out;
  std::vector<std::pair<int64_t, AddedToken>> declared;  // (idx, token), sorted by idx below
  const bool has_decoder = config && config->contains("added_tokens_decoder");
  if (has_decoder) {
    const Json& decoder = (*config)["added_tokens_decoder"];
    if (!decoder.is_object()) throw Error(ErrorCode::InvalidTokenizer, config_path + ": added_tokens_decoder is not an object");
    for (const auto& [idx, token] : decoder.items()) {
      int64_t index = 0;
      try {
        index = std::stoll(idx);
      } catch (const std::exception&) {
        throw Error(ErrorCode::InvalidTokenizer, config_path + ": added_tokens_decoder key \"" + idx + "\" is not an id");
      }
      declared.emplace_back(index, token_from_dict(token, config_path, "added_tokens_decoder[\"" + idx + "\"]"));
    }
  } else if (auto added = tj.doc.find("added_tokens"); added != tj.doc.end() && added->is_array()) {
    for (size_t i = 0; i < added->size(); ++i) {
      const Json& token = (*added)[i];
      const std::string where = "added_tokens[" + std::to_string(i) + "]";
      const Json id = token.is_object() ? token.value("id", Json()) : Json();
      const std::optional<int64_t> value = id.get_integer<int64_t>();
      if (!value) throw Error(ErrorCode::InvalidTokenizer, tj.path + ": " + where + " has no integer id (within int64)");
      declared.emplace_back(*value, token_from_dict(token, tj.path, where));
    }
  }
  std::stable_sort(declared.begin(), declared.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AddedToken> tokens;
  for (auto& d : declared) tokens.push_back(std::move(d.second));

  // Named tokens: the class default, tokenizer_config.json's value, and (legacy files only) special_tokens_map.json's.
  std::vector<AddedToken> named_tokens;
  for (const char* key : kNamedTokens) {
    std::optional<AddedToken> value;
    if (auto d = defaults.find(key); d != defaults.end()) {
      value = AddedToken{};
      value->content = d->second;
    }
    if (config) {
      if (auto v = named_value(*config, key, config_path)) value = v;
    }
    if (!has_decoder && special_map) {
      if (auto v = named_value(*special_map, key, config_path)) value = v;
    }
    if (!value) continue;
    out.named[key] = value->content;
    named_tokens.push_back(*value);
  }
  for (const char* list_key : {"additional_special_tokens", "extra_special_tokens"}) {
    const Json* sources[] = {config, has_decoder ? nullptr : special_map};
    for (const Json* src : sources) {
      if (!src) continue;
      auto it = src->find(list_key);
      if (it == src->end() || !it->is_array()) continue;
      for (const Json& v : *it) {
        if (v.is_string()) {
          AddedToken t;
          t.content = v.get<std::string>();
          named_tokens.push_back(t);
        } else {
          named_tokens.push_back(token_from_dict(v, config_path, list_key));
        }
      }
    }
  }
  // Missing named tokens are added after the declared ones (a named token equal to a declared one keeps the
  // declared token's options, as transformers maps it onto that AddedToken).
  for (const AddedToken& n : named_tokens) {
    const bool present = std::any_of(tokens.begin(), tokens.end(), [&](const AddedToken& t) { return t.content == n.content; });
    if (!present) tokens.push_back(n);
  }

  // Ids: the model's for a known content, the first one given for a repeated content, else the next free id.
  int64_t next_id = static_cast<int64_t>(model.vocab_size());
  std::map<std::string, int32_t> assigned;
  for (AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    const int32_t known = model.token_to_id(t.content);
    if (known >= 0) {
      t.id = known;
    } else if (auto a = assigned.find(t.content); a != assigned.end()) {
      t.id = a->second;
    } else {
      t.id = static_cast<int32_t>(next_id++);
    }
    assigned.emplace(t.content, t.id);
    // A repeated content: the later token's options win, as the AddedVocabulary's map entry is replaced.
    auto existing = std::find_if(out.added.begin(), out.added.end(), [&](const AddedToken& x) { return x.content == t.content; });
    if (existing != out.added.end()) {
      *existing = t;
    } else {
      out.added.push_back(t);
    }
  }
  return out;
}

}  // namespace ce
