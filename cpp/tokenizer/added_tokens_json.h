// tokenizer.json's added_tokens read with their matching options (single_word, lstrip, rstrip, normalized).
#pragma once

#include <cstddef>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/tokenizer_model.h"

namespace ce {

// Ids of contents the model knows become the model's ids (as tokenizers' AddedVocabulary assigns them); the others
// keep the file's id, which must be < id_limit. normalized defaults to !special, as in tokenizers.
std::vector<AddedToken> read_added_tokens(const TokenizerJson& tokenizer, const TokenizerModel& model, size_t id_limit);

}  // namespace ce
