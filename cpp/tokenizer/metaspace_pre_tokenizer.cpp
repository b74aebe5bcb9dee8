// MetaspacePreTokenizer: replace, prepend (never on an empty piece), then split with the replacement merged into
// the piece it starts (tokenizers' SplitDelimiterBehavior::MergedWithNext).
#include "tokenizer/metaspace_pre_tokenizer.h"

namespace ce {

void MetaspacePreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  if (piece.text.empty()) return;
  std::u32string text = piece.text;
  for (char32_t& c : text) {
    if (c == U' ') c = replacement_;
  }
  const bool prepend = prepend_scheme_ == PrependScheme::Always ||
                       (prepend_scheme_ == PrependScheme::First && piece.at_text_start);
  if (prepend && text.front() != replacement_) text.insert(text.begin(), replacement_);
  if (!split_) {
    out.push_back({std::move(text), piece.at_text_start});
    return;
  }
  size_t begin = 0;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == replacement_) {
      out.push_back({text.substr(begin, i - begin), piece.at_text_start && begin == 0});
      begin = i;
    }
  }
}

}  // namespace ce
