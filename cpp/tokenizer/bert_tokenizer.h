// The BERT tokenizer as pipeline parts, equal to Hugging Face BertTokenizerFast (tokenizers 0.23): added tokens ->
// BertNormalizer -> BertPreTokenizer -> WordPiece -> pair template [CLS] a [SEP] b [SEP], longest_first truncation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace ce {

// What the tokenizer files of a BERT model resolve to (tokenizer_files.h reads them).
struct BertTokenizerOptions {
  bool clean_text = true;               // drop NUL / U+FFFD / control chars, map whitespace to ' '
  bool handle_chinese_chars = true;     // put spaces around CJK ideographs
  bool lowercase = true;                // do_lower_case
  std::optional<bool> strip_accents;    // unset: follows `lowercase` (as HF does)
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  // The pair template's special-token ids when tokenizer.json's post_processor gives them; unset: the ids of
  // cls_token and sep_token.
  std::optional<int32_t> cls_id, sep_id;
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;
  std::optional<size_t> model_max_length;  // from tokenizer_config.json, when it is a sane number
  // Tokens matched verbatim in the raw text before normalization (HF's non-normalized added tokens, e.g.
  // "[SEP]" typed inside a passage becomes the [SEP] id). Those not in the vocab are ignored.
  std::vector<std::string> added_tokens;
};

// Builds the pipeline over `vocab` (vocab[i] is the token with id i; empty strings are holes); the WordPiece
// tries are built here, once, and shared by every copy of the returned pointer. Throws
// ce::Error(InvalidTokenizer) when a special token is missing from the vocab or a given id is out of range.
std::shared_ptr<const Tokenizer> make_bert_tokenizer(const std::vector<std::string>& vocab,
                                                     const BertTokenizerOptions& options);

}  // namespace ce
