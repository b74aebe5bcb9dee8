// tokenizer.json's "normalizer" for the pipelines built from tokenizer.json: null or a Unicode normalization form.
#pragma once

#include <memory>

#include "tokenizer/normalizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// nullptr for "normalizer": null. Throws UnsupportedTokenizer naming another type, InvalidTokenizer for a
// malformed one.
std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& tokenizer);

}  // namespace ce
