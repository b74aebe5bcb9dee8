// The Unigram (SentencePiece-family) tokenizers a model directory resolves to: tokenizer.json run as serialized
// (TokenizersBackend / PreTrainedTokenizerFast), or rebuilt from its pieces as transformers 5's XLMRobertaTokenizer
// and DebertaV2Tokenizer do (their normalizer, pre-tokenizer and template come from the class, not the file).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "io/json.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

enum class UnigramTokenizerClass { AsSerialized, XLMRoberta, DebertaV2 };

// transformers' class for a tokenizer_class name ("" when tokenizer_config.json has none) or, without one, the
// config.json model_type's default class. nullopt: a class we do not rebuild (the caller refuses it by name).
std::optional<UnigramTokenizerClass> unigram_tokenizer_class(const std::string& tokenizer_class,
                                                             const std::string& model_type);

struct UnigramTokenizerSources {
  const TokenizerJson* tokenizer_json = nullptr;
  const Json* tokenizer_config = nullptr;    // tokenizer_config.json, when present
  const Json* special_tokens_map = nullptr;  // special_tokens_map.json, when present
  std::string tokenizer_config_path;                   // for messages
};

// Builds the pipeline, once. Throws ce::Error: InvalidTokenizer for malformed files, UnsupportedTokenizer naming
// a component or option we lack.
std::shared_ptr<const Tokenizer> make_unigram_tokenizer(const UnigramTokenizerSources& sources,
                                                        UnigramTokenizerClass cls);

}  // namespace ce
