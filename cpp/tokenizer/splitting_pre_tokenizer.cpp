// SplittingPreTokenizer: one split, then the pieces as UTF-8 words.
#include "tokenizer/splitting_pre_tokenizer.h"

#include "tokenizer/utf8.h"

namespace ce {

void pieces_to_words(const std::vector<PreTokenPiece>& pieces, PreTokenizedWords& words) {
  words.clear();
  for (const PreTokenPiece& piece : pieces) {
    for (const char32_t c : piece.text) utf8::append(c, words.text());
    words.finish_word();
  }
}

void SplittingPreTokenizer::pre_tokenize_piece(const std::u32string& text, bool at_text_start,
                                               PreTokenizedWords& words) const {
  thread_local std::vector<PreTokenPiece> pieces;
  pieces.clear();
  split(PreTokenPiece{text, at_text_start}, pieces);
  pieces_to_words(pieces, words);
}

}  // namespace ce
