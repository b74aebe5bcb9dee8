// tokenizer.json's BPE "model": vocab, merges (either serialized form) and options, validated.
#pragma once

#include <memory>

#include "tokenizer/bpe.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// The vocab as (token, id) in file order and the merges in rank order, read from model.vocab / model.merges.
struct BpeTables {
  std::vector<std::pair<std::string, int32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
};

// Throws InvalidTokenizer for a bad id, a merge that is not "a b" or ["a", "b"], or a non-string option.
BpeTables read_bpe_tables(const TokenizerJson& tokenizer);
// The options as serialized. Throws UnsupportedTokenizer for a dropout other than null / 0 (it makes encoding
// random), InvalidTokenizer for a field of the wrong type.
BpeOptions read_bpe_options(const TokenizerJson& tokenizer);
// Both, built into the model (merges checked against the vocab).
std::unique_ptr<const Bpe> read_bpe_model(const TokenizerJson& tokenizer);

}  // namespace ce
