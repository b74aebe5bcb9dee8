// tokenizer.json's "normalizer" read into our normalizers: Precompiled, Lowercase, Strip, StripAccents, Replace
// (string pattern, or DeBERTa-v2's \s{2,}|[\n\r\t] regex), Prepend, BertNormalizer, NFC / NFD / NFKC / NFKD and
// Sequence of those. Every other type or regex is refused by name.
#pragma once

#include <memory>
#include <string>

#include "io/json.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// nullptr for "normalizer": null (or absent). Throws UnsupportedTokenizer naming another type, InvalidTokenizer for
// a malformed one.
std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& tokenizer);
// One normalizer node; `where` is its path in the file for messages ("normalizer.normalizers[1]").
std::unique_ptr<const Normalizer> read_normalizer_node(const TokenizerJson& tokenizer, const Json& node,
                                                       const std::string& where);

}  // namespace ce
