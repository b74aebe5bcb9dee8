// tokenizer.json's "pre_tokenizer" read into split steps: ByteLevel, Split (regex or string), Digits, Punctuation
// and Sequence of them.
#pragma once

#include <memory>
#include <string>

#include "io/json.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// Throws InvalidTokenizer for a malformed component, UnsupportedTokenizer (quoting it) for another type or a
// regex we do not match. A null pre_tokenizer hands the whole text to the model as one word.
std::unique_ptr<const PreTokenizer> read_pre_tokenizer(const TokenizerJson& tokenizer);
// One pre-tokenizer node (`where` names it in messages), e.g. a pipeline that transformers builds in code, described
// as tokenizers would serialize it.
std::unique_ptr<const PreTokenizer> read_pre_tokenizer_node(const TokenizerJson& tokenizer, const Json& node,
                                                            const std::string& where);

}  // namespace ce
