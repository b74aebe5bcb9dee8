// BertTokenizer: added-token split -> BertNormalizer -> BertPreTokenizer -> WordPiece -> pair template.
#include "tokenizer/bert_tokenizer.h"

#include <algorithm>

#include "common/error.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/truncation.h"
#include "tokenizer/utf8.h"
#include "tokenizer/wordpiece.h"

namespace ce {

struct BertTokenizer::Impl {
  NormalizerFlags flags;
  WordPiece wordpiece;
  struct Added {
    std::string text;
    int32_t id;
  };
  std::vector<Added> added;  // longest first, so the first match at a position is the longest

  Impl(NormalizerFlags f, WordPiece wp) : flags(f), wordpiece(std::move(wp)) {}

  // Normalizes, pre-tokenizes and WordPiece-encodes one stretch of text without added tokens.
  void encode_plain(std::string_view utf8_text, std::vector<int32_t>& out) const {
    std::u32string text, scratch;
    utf8::decode(utf8_text, text);
    bert_normalize(flags, text, scratch);
    std::vector<WordSpan> words;
    bert_pre_tokenize(text, words);
    std::string word;
    for (const WordSpan& w : words) {
      word.clear();
      for (uint32_t i = w.begin; i < w.end; ++i) utf8::append(text[i], word);
      wordpiece.encode_word(word, out);
    }
  }

  void encode(std::string_view text, std::vector<int32_t>& out) const {
    size_t segment = 0;
    if (!added.empty()) {
      for (size_t i = 0; i < text.size(); ++i) {
        for (const Added& a : added) {
          if (text[i] == a.text[0] && text.compare(i, a.text.size(), a.text) == 0) {
            encode_plain(text.substr(segment, i - segment), out);
            out.push_back(a.id);
            i += a.text.size() - 1;
            segment = i + 1;
            break;
          }
        }
      }
    }
    encode_plain(text.substr(segment), out);
  }
};

namespace {

int32_t required_id(const WordPiece& wp, const std::string& token, const char* role) {
  const int32_t id = wp.find(token);
  if (id < 0) {
    throw Error(ErrorCode::InvalidTokenizer,
                std::string("tokenizer vocab has no ") + role + " token \"" + token + "\"");
  }
  return id;
}

}  // namespace

BertTokenizer::BertTokenizer(std::vector<std::string> vocab, TokenizerOptions options)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  if (options_.continuing_subword_prefix.empty()) {
    throw Error(ErrorCode::InvalidTokenizer, "tokenizer continuing_subword_prefix must not be empty");
  }
  WordPiece wp(vocab_, -1, options_.continuing_subword_prefix, options_.max_input_chars_per_word);
  unk_id_ = required_id(wp, options_.unk_token, "unk");
  cls_id_ = required_id(wp, options_.cls_token, "cls");
  sep_id_ = required_id(wp, options_.sep_token, "sep");
  pad_id_ = wp.find(options_.pad_token);
  NormalizerFlags flags;
  flags.clean_text = options_.clean_text;
  flags.handle_chinese_chars = options_.handle_chinese_chars;
  flags.lowercase = options_.lowercase;
  flags.strip_accents = options_.strip_accents.value_or(options_.lowercase);
  auto impl = std::make_shared<Impl>(
      flags, WordPiece(vocab_, unk_id_, options_.continuing_subword_prefix, options_.max_input_chars_per_word));
  for (const std::string& token : options_.added_tokens) {
    const int32_t id = impl->wordpiece.find(token);
    if (id >= 0 && !token.empty()) impl->added.push_back({token, id});
  }
  std::stable_sort(impl->added.begin(), impl->added.end(),
                   [](const Impl::Added& x, const Impl::Added& y) { return x.text.size() > y.text.size(); });
  impl_ = std::move(impl);
}

std::vector<int32_t> BertTokenizer::encode_text(std::string_view utf8) const {
  std::vector<int32_t> ids;
  impl_->encode(utf8, ids);
  return ids;
}

PairEncoding BertTokenizer::encode_pair(std::string_view text_a, std::string_view text_b,
                                        size_t max_length) const {
  constexpr size_t kSpecial = 3;  // [CLS] a [SEP] b [SEP]
  if (max_length < kSpecial) {
    throw Error(ErrorCode::InvalidArgument,
                "max_length must be at least 3 for a pair ([CLS] a [SEP] b [SEP]), got " + std::to_string(max_length));
  }
  std::vector<int32_t> a, b;
  impl_->encode(text_a, a);
  impl_->encode(text_b, b);
  const PairLengths keep = longest_first(a.size(), b.size(), max_length - kSpecial);
  PairEncoding enc;
  enc.input_ids.reserve(keep.a + keep.b + kSpecial);
  enc.input_ids.push_back(cls_id_);
  enc.input_ids.insert(enc.input_ids.end(), a.begin(), a.begin() + static_cast<ptrdiff_t>(keep.a));
  enc.input_ids.push_back(sep_id_);
  const size_t first_len = enc.input_ids.size();
  enc.input_ids.insert(enc.input_ids.end(), b.begin(), b.begin() + static_cast<ptrdiff_t>(keep.b));
  enc.input_ids.push_back(sep_id_);
  enc.token_type_ids.assign(enc.input_ids.size(), 1);
  std::fill(enc.token_type_ids.begin(), enc.token_type_ids.begin() + static_cast<ptrdiff_t>(first_len), 0);
  return enc;
}

}  // namespace ce
