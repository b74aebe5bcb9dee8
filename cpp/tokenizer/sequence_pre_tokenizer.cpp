// SequencePreTokenizer: pieces flow through each step; a step that only writes words (e.g. ByteLevel) has its words
// read back as pieces, the first of them keeping the piece's text-start flag.
#include "tokenizer/sequence_pre_tokenizer.h"

#include "tokenizer/utf8.h"

namespace ce {

void SequencePreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  std::vector<PreTokenPiece> current{piece}, next;
  PreTokenizedWords words;
  for (const auto& step : steps_) {
    next.clear();
    const auto* splitting = dynamic_cast<const SplittingPreTokenizer*>(step.get());
    for (const PreTokenPiece& p : current) {
      if (splitting) {
        splitting->split(p, next);
        continue;
      }
      step->pre_tokenize_piece(p.text, p.at_text_start, words);
      for (size_t w = 0; w < words.size(); ++w) {
        PreTokenPiece word{{}, p.at_text_start && w == 0};
        utf8::decode(words[w], word.text);
        next.push_back(std::move(word));
      }
    }
    current.swap(next);
  }
  for (PreTokenPiece& p : current) {
    if (!p.text.empty()) out.push_back(std::move(p));
  }
}

}  // namespace ce
