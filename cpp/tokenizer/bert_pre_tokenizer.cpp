// BertPreTokenizer over normalized code points (whitespace = White_Space, punctuation = ASCII or P*).
#include "tokenizer/bert_pre_tokenizer.h"

#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace ce {

void bert_pre_tokenize(const std::u32string& text, std::vector<WordSpan>& words) {
  words.clear();
  uint32_t start = 0;
  const uint32_t n = static_cast<uint32_t>(text.size());
  for (uint32_t i = 0; i < n; ++i) {
    const char32_t c = text[i];
    const bool space = unicode::is_whitespace(c);
    if (space || unicode::is_punctuation(c)) {
      if (i > start) words.push_back({start, i});
      if (!space) words.push_back({i, i + 1});
      start = i + 1;
    }
  }
  if (n > start) words.push_back({start, n});
}

void BertPreTokenizer::pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const {
  std::vector<WordSpan> spans;
  bert_pre_tokenize(text, spans);
  words.clear();
  for (const WordSpan& w : spans) {
    for (uint32_t i = w.begin; i < w.end; ++i) utf8::append(text[i], words.text());
    words.finish_word();
  }
}

}  // namespace ce
