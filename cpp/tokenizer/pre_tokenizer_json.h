// tokenizer.json pre-tokenizer nodes of the byte-level BPE family: ByteLevel, Split (regex or string), Digits,
// Punctuation. pipeline_json's reader dispatches here first (Sequence and the SentencePiece family are there).
#pragma once

#include <memory>
#include <string>

#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// nullptr when `node`'s type is none of these. Throws InvalidTokenizer for a malformed node, UnsupportedTokenizer
// (quoting it) for a regex we do not match.
std::unique_ptr<const PreTokenizer> read_split_pre_tokenizer_node(const TokenizerJson& tokenizer,
                                                                  const nlohmann::json& node, const std::string& where);

}  // namespace ce
