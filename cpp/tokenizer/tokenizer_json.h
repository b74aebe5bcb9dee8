// tokenizer.json (HF tokenizers' serialized pipeline): parsing, the model type the factory dispatches on, and the
// BERT pipeline's settings.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/json.h"
#include "tokenizer/bert_tokenizer.h"

namespace ce {

struct TokenizerJson {
  std::string path;  // for messages
  Json doc;          // the whole document (model.vocab included: objects are sorted vectors, cheap to build)
};

// Parses the text of `path`. Throws ce::Error(InvalidTokenizer) for malformed JSON or a top level that is not an
// object.
TokenizerJson parse_tokenizer_json(const std::string& text, const std::string& path);

// model.type ("WordPiece", "Unigram", "BPE", ...). Throws InvalidTokenizer when there is no model or no type.
std::string tokenizer_json_model_type(const TokenizerJson& tokenizer);

// The WordPiece vocabulary: vocab[id] = token, holes empty. Throws InvalidTokenizer for a bad id.
std::vector<std::string> wordpiece_vocab(const TokenizerJson& tokenizer);

// The pipeline exactly as serialized (for a tokenizer transformers does not rebuild): WordPiece settings,
// BertNormalizer flags, added tokens and the pair template's special-token ids. Throws UnsupportedTokenizer,
// naming the component and its type, for a normalizer, pre-tokenizer or post-processor that is not BERT's.
void read_bert_pipeline(const TokenizerJson& tokenizer, BertTokenizerOptions& options);

// Errors naming the file: InvalidTokenizer "<path>: what", and UnsupportedTokenizer for a component type we lack.
Error tokenizer_json_invalid(const TokenizerJson& tokenizer, const std::string& what);
Error tokenizer_json_unsupported(const TokenizerJson& tokenizer, const std::string& component, const std::string& type,
                                 const std::string& supported);
// The "type" of a pipeline component object (`name` for messages); throws InvalidTokenizer when it has none.
std::string tokenizer_json_component_type(const TokenizerJson& tokenizer, const Json& component,
                                          const char* name);

// obj[key] as a boolean; nullopt when absent or null. Throws InvalidTokenizer naming `file` for another type.
std::optional<bool> optional_bool(const Json& obj, const char* key, const std::string& file);

}  // namespace ce
