// The added tokens transformers 5 gives a tokenizer class that rebuilds its backend (XLMRobertaTokenizer,
// DebertaV2Tokenizer): tokenizer_config.json's added_tokens_decoder, else tokenizer.json's added_tokens (and
// special_tokens_map.json's named tokens), then every named special token not yet among them; ids assigned as
// tokenizers' AddedVocabulary does (the model's id for a known content, else the next id after the vocab).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "io/json.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/tokenizer_model.h"

namespace ce {

struct TransformersSpecialTokens {
  std::vector<AddedToken> added;                // in the order transformers adds them, ids assigned
  std::map<std::string, std::string> named;     // "bos_token" -> "<s>", ... (class defaults filled in)
  // The id of a named token's content (added or in the vocab), or -1.
  int32_t id_of(const std::string& name) const;
};

// `defaults`: the class's named special tokens ("bos_token" -> "<s>", ...).
TransformersSpecialTokens transformers_added_tokens(const TokenizerJson& tokenizer,
                                                    const Json* tokenizer_config,
                                                    const Json* special_tokens_map,
                                                    const std::string& tokenizer_config_path,
                                                    const std::map<std::string, std::string>& defaults,
                                                    const TokenizerModel& model);

}  // namespace ce
