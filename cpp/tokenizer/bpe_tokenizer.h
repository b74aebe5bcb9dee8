// A BPE tokenizer (RoBERTa, ModernBERT, GPT-2 style) built from tokenizer.json, either exactly as serialized or as
// transformers 5's RobertaTokenizer rebuilds it from the file's vocab and merges.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// transformers 5's RobertaTokenizer keeps only the vocab, merges and added tokens of tokenizer.json: BPE without
// unk / byte fallback, no normalizer, ByteLevel(add_prefix_space), RobertaProcessing(sep, cls).
struct RobertaRebuild {
  bool add_prefix_space = false;
  std::string cls_token = "<s>";
  std::string sep_token = "</s>";
};

struct BpeTokenizerConfig {
  std::optional<RobertaRebuild> roberta;   // unset: the pipeline exactly as tokenizer.json serializes it
  std::optional<size_t> model_max_length;  // tokenizer_config.json's, when sane
};

// Throws InvalidTokenizer / UnsupportedTokenizer (naming the file and component) for what it cannot build.
std::shared_ptr<const Tokenizer> make_bpe_tokenizer(const TokenizerJson& tokenizer, const BpeTokenizerConfig& config);

}  // namespace ce
