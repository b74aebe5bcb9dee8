// BERT WordPiece tokenizer, equal to Hugging Face BertTokenizerFast (tokenizers 0.23):
// BertNormalizer -> BertPreTokenizer -> WordPiece -> pair template [CLS] a [SEP] b [SEP] with longest_first truncation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ce {

struct TokenizerOptions {
  bool clean_text = true;               // drop NUL / U+FFFD / control chars, map whitespace to ' '
  bool handle_chinese_chars = true;     // put spaces around CJK ideographs
  bool lowercase = true;                // do_lower_case
  std::optional<bool> strip_accents;    // unset: follows `lowercase` (as HF does)
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;
  std::optional<size_t> model_max_length;  // from tokenizer_config.json, when it is a sane number
  // Tokens matched verbatim in the raw text before normalization (HF's non-normalized added tokens, e.g.
  // "[SEP]" typed inside a passage becomes the [SEP] id). from_directory fills it; those not in the vocab
  // are ignored.
  std::vector<std::string> added_tokens;
};

struct PairEncoding {
  std::vector<int32_t> input_ids;       // [CLS] a [SEP] b [SEP]
  std::vector<int32_t> token_type_ids;  // 0 for [CLS] a [SEP], 1 for b [SEP]
};

class BertTokenizer {
 public:
  // vocab[i] is the token with id i. Throws ce::Error(InvalidTokenizer) when a special token is missing.
  BertTokenizer(std::vector<std::string> vocab, TokenizerOptions options);

  // Loads from a model directory: the vocab from tokenizer.json when present, else vocab.txt; the options as
  // transformers 5 resolves them (a BERT tokenizer_class / model_type takes the normalizer flags from
  // tokenizer_config.json, a bare tokenizer.json keeps its own; see tokenizer_files.cpp);
  // special_tokens_map.json and tokenizer_config.json name the special tokens. Throws ce::Error.
  static BertTokenizer from_directory(const std::string& model_dir);

  // WordPiece ids of one text, no special tokens. Invalid UTF-8 bytes count as U+FFFD.
  std::vector<int32_t> encode_text(std::string_view utf8) const;

  // Pair encoding truncated with longest_first so that the total (with 3 special tokens) <= max_length.
  // Throws ce::Error(InvalidArgument) if max_length < 3.
  PairEncoding encode_pair(std::string_view text_a, std::string_view text_b, size_t max_length) const;

  const TokenizerOptions& options() const { return options_; }
  size_t vocab_size() const { return vocab_.size(); }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t unk_id() const { return unk_id_; }
  int32_t pad_id() const { return pad_id_; }  // -1 when the vocab has no pad token (not required)

 private:
  std::vector<std::string> vocab_;
  TokenizerOptions options_;
  int32_t cls_id_ = -1, sep_id_ = -1, unk_id_ = -1, pad_id_ = -1;
  // The implementation adds its lookup structures here (e.g. an unordered_map<string, int32_t>).
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ce
