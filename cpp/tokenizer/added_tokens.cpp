// AddedTokens: a scan per byte position over a handful of tokens (first-byte filter), then tokenizers'
// find_matches rules for single_word / lstrip / rstrip with the Rust regex classes \w and \s.
#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/segmentation.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

// The code point that ends text[0, end) / starts text[begin, ...), or nullopt-like 0xFFFFFFFF.
constexpr char32_t kNone = 0xFFFFFFFF;
char32_t last_char(std::string_view text, size_t end) {
  if (end == 0) return kNone;
  size_t begin = end - 1;
  while (begin > 0 && end - begin < 4 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
  std::u32string cps;
  utf8::decode(text.substr(begin, end - begin), cps);
  return cps.empty() ? kNone : cps.back();
}
char32_t first_char(std::string_view text, size_t begin) {
  if (begin >= text.size()) return kNone;
  std::u32string cps;
  utf8::decode(text.substr(begin, std::min<size_t>(4, text.size() - begin)), cps);
  return cps.empty() ? kNone : cps.front();
}
size_t char_length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

}  // namespace

AddedTokens::AddedTokens(std::vector<std::pair<std::string, int32_t>> tokens) {
  std::vector<AddedToken> converted;
  for (auto& [content, id] : tokens) converted.push_back(AddedToken{std::move(content), id});
  *this = AddedTokens(std::move(converted));
}

AddedTokens::AddedTokens(std::vector<AddedToken> tokens) {
  for (auto& t : tokens) {
    if (!t.content.empty()) tokens_.push_back(std::move(t));
  }
  std::stable_sort(tokens_.begin(), tokens_.end(),
                   [](const AddedToken& x, const AddedToken& y) { return x.content.size() > y.content.size(); });
  for (const AddedToken& t : tokens_) first_byte_[static_cast<unsigned char>(t.content[0])] = true;
}

void AddedTokens::split(std::string_view text, std::vector<AddedTokenSplit>& out) const {
  out.clear();
  size_t start_offset = 0;  // end of the previous match (where the next plain stretch begins)
  for (size_t pos = 0; pos < text.size();) {
    const AddedToken* match = nullptr;
    if (first_byte_[static_cast<unsigned char>(text[pos])]) {
      for (const AddedToken& t : tokens_) {
        if (text.compare(pos, t.content.size(), t.content) == 0) {
          match = &t;
          break;
        }
      }
    }
    if (!match) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + match->content.size();
    pos = stop;  // the automaton resumes after the match, whatever the options below make of it
    if (match->single_word) {
      const char32_t before = last_char(text, start), after = first_char(text, stop);
      const bool word_before = before != kNone && segmentation::is_word_character(before);
      const bool word_after = after != kNone && segmentation::is_word_character(after);
      if (word_before || word_after) continue;
    }
    if (match->lstrip) {
      size_t new_start = start;
      for (char32_t c; (c = last_char(text, new_start)) != kNone && unicode::is_whitespace(c);) {
        new_start -= char_length(c);
      }
      start = std::max(new_start, start_offset);
    }
    if (match->rstrip) {
      for (char32_t c; (c = first_char(text, stop)) != kNone && unicode::is_whitespace(c);) stop += char_length(c);
    }
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, match->id});
    start_offset = stop;
  }
  if (start_offset < text.size()) out.push_back({start_offset, text.size(), -1});
}

}  // namespace ce
