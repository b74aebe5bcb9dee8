// tokenizer.json's normalizer, pre-tokenizer, Unigram model and added tokens read into pipeline parts (the
// tokenizers components as serialized). Every component or option we do not implement is refused by name.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_json.h"
#include "tokenizer/unigram.h"

namespace ce {

// The normalizer as serialized; null (or absent) is nullptr. Precompiled, NFC, NFD, NFKC, NFKD, Lowercase, Strip,
// StripAccents, Replace (string pattern, or the regexes \s{2,}|[\n\r\t] and " {2,}"), Prepend, BertNormalizer, Sequence
// of those.
std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& tokenizer);
std::unique_ptr<const Normalizer> read_normalizer_node(const TokenizerJson& tokenizer, const nlohmann::json& node,
                                                       const std::string& where);

// The pre-tokenizer as serialized: Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer, ByteLevel, Split,
// Digits, Punctuation, Sequence of those.
// null (or absent): the whole text is one word, as in tokenizers.
std::unique_ptr<const PreTokenizer> read_pre_tokenizer(const TokenizerJson& tokenizer);

// The Unigram model: pieces, unk_id, byte_fallback. Throws InvalidTokenizer for a malformed vocab.
std::unique_ptr<const Unigram> read_unigram(const TokenizerJson& tokenizer);
// Only the pieces (transformers' classes take them and rebuild the rest).
std::vector<std::pair<std::string, double>> read_unigram_pieces(const TokenizerJson& tokenizer);

// tokenizer.json's added_tokens with their options; ids of contents the model knows become the model's ids (as
// tokenizers' AddedVocabulary assigns them), others keep theirs and must be < id_limit.
std::vector<AddedToken> read_added_tokens(const TokenizerJson& tokenizer, const TokenizerModel& model, size_t id_limit);

}  // namespace ce
