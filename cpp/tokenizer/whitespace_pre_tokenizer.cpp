// Whitespace / WhitespaceSplit: one pass classifying each code point as whitespace, word (\w) or other.
#include "tokenizer/whitespace_pre_tokenizer.h"

#include "tokenizer/segmentation.h"
#include "tokenizer/unicode.h"

namespace ce {
namespace {

enum class CharClass { Space, Word, Other };

CharClass classify(char32_t c) {
  if (unicode::is_whitespace(c)) return CharClass::Space;
  return segmentation::is_word_character(c) ? CharClass::Word : CharClass::Other;
}

}  // namespace

void WhitespacePreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  const std::u32string& text = piece.text;
  for (size_t i = 0; i < text.size();) {
    const CharClass cls = classify(text[i]);
    size_t j = i + 1;
    while (j < text.size() && classify(text[j]) == cls) ++j;
    if (cls != CharClass::Space) out.push_back({text.substr(i, j - i), piece.at_text_start && i == 0});
    i = j;
  }
}

void WhitespaceSplitPreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  const std::u32string& text = piece.text;
  for (size_t i = 0; i < text.size();) {
    const bool space = unicode::is_whitespace(text[i]);
    size_t j = i + 1;
    while (j < text.size() && unicode::is_whitespace(text[j]) == space) ++j;
    if (!space) out.push_back({text.substr(i, j - i), piece.at_text_start && i == 0});
    i = j;
  }
}

}  // namespace ce
