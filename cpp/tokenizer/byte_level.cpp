// ByteLevelPreTokenizer: tokenizers' ByteLevel::pre_tokenize (a prefix space for a piece that does not start with
// ' ', then the regex split, then the byte mapping).
#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/utf8.h"

namespace ce {
namespace {

std::array<char32_t, 256> make_alphabet() {
  std::array<char32_t, 256> table{};
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    table[b] = printable ? static_cast<char32_t>(b) : next++;
  }
  return table;
}

}  // namespace

char32_t byte_level_char(unsigned char byte) {
  static const std::array<char32_t, 256> kAlphabet = make_alphabet();
  return kAlphabet[byte];
}

void ByteLevelPreTokenizer::split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const {
  if (piece.text.empty()) return;
  std::u32string text;
  if (add_prefix_space_ && piece.text.front() != U' ') text.push_back(U' ');
  text += piece.text;
  std::vector<std::pair<size_t, size_t>> ranges;
  if (pattern_) {
    std::vector<PatternMatch> scratch;
    split_by_pattern(text, *pattern_, SplitBehavior::Isolated, false, scratch, ranges);
  } else {
    ranges.emplace_back(0, text.size());
  }
  std::string bytes;
  for (size_t r = 0; r < ranges.size(); ++r) {
    bytes.clear();
    for (size_t i = ranges[r].first; i < ranges[r].second; ++i) utf8::append(text[i], bytes);
    PreTokenPiece mapped{{}, piece.at_text_start && r == 0};
    mapped.text.reserve(bytes.size());
    for (unsigned char b : bytes) mapped.text.push_back(byte_level_char(b));
    out.push_back(std::move(mapped));
  }
}

}  // namespace ce
