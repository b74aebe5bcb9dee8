// tokenizer.json's Unigram model read into the pipeline's model stage.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/tokenizer_json.h"
#include "tokenizer/unigram.h"

namespace ce {

// The Unigram model: pieces, unk_id, byte_fallback. Throws InvalidTokenizer for a malformed vocab.
std::unique_ptr<const Unigram> read_unigram(const TokenizerJson& tokenizer);
// Only the pieces (transformers' classes take them and rebuild the rest).
std::vector<std::pair<std::string, double>> read_unigram_pieces(const TokenizerJson& tokenizer);

}  // namespace ce
