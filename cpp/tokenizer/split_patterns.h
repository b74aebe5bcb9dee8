// The split patterns tokenizer.json uses: literal strings, and the regexes real tokenizers ship (GPT-2's, the
// cl100k / Llama 3 one), each recognised by its exact source and matched by hand with our Unicode tables. Any
// other regex is refused (ERR_UNSUPPORTED_TOKENIZER) rather than approximated.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "tokenizer/pre_tokenizer_splits.h"

namespace ce {

// GPT-2's pattern, which ByteLevel uses: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
extern const char* const kGpt2Pattern;
// cl100k's / Llama 3's: case-insensitive contractions, letters with one leading non-letter, \p{N}{1,3}, ...
extern const char* const kCl100kPattern;

std::unique_ptr<const SplitPattern> gpt2_pattern();
// nullptr when `regex` is none of the supported patterns (the caller reports it).
std::unique_ptr<const SplitPattern> regex_pattern(const std::string& regex);
// Every non-overlapping occurrence of `literal` (HF's String patterns: the escaped literal as a regex, so an
// empty one matches emptily at every position and splits between all code points).
std::unique_ptr<const SplitPattern> literal_pattern(const std::u32string& literal);
// Each code point for which `predicate` holds is one match (HF's char-predicate patterns: Digits, Punctuation).
std::unique_ptr<const SplitPattern> char_pattern(std::function<bool(char32_t)> predicate);

}  // namespace ce
