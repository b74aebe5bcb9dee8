// The tokenizer factory: a model directory's tokenizer files, read the way transformers 5 + tokenizers read them,
// become the pipeline of the tokenizer family that tokenizer.json's model type names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/bert_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace ce {

// Reads tokenizer.json (else vocab.txt, which can only be BERT's WordPiece), tokenizer_config.json,
// special_tokens_map.json and config.json's model_type, and builds the tokenizer, once: the result is shared.
// Throws ce::Error: FileNotFound / FileUnreadable for the files, InvalidTokenizer for malformed ones,
// UnsupportedTokenizer (naming the component and its type) for a model, normalizer, pre-tokenizer or
// post-processor we do not implement.
std::shared_ptr<const Tokenizer> load_tokenizer(const std::string& model_dir);

// What a WordPiece (BERT) model directory's files resolve to, before the pipeline is built.
struct BertTokenizerSpec {
  std::vector<std::string> vocab;  // vocab[id] = token
  BertTokenizerOptions options;
};

// The resolution load_tokenizer applies to a WordPiece directory (exposed to check it). Throws as load_tokenizer,
// UnsupportedTokenizer when tokenizer.json's model is not WordPiece.
BertTokenizerSpec read_bert_tokenizer_spec(const std::string& model_dir);

}  // namespace ce
