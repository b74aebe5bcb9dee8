// ByteLevelStep: tokenizers' ByteLevel::pre_tokenize (the prefix space is added to each split that does not start
// with ' ', then the regex split, then the byte mapping).
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

void ByteLevelStep::apply(Splits& splits) const {
  Splits pieces;
  std::vector<PatternMatch> scratch;
  for (std::u32string& split : splits) {
    if (split.empty()) continue;
    if (add_prefix_space_ && split.front() != U' ') split.insert(split.begin(), U' ');
    if (pattern_) {
      split_by_pattern(split, *pattern_, SplitBehavior::Isolated, false, scratch, pieces);
    } else {
      pieces.push_back(std::move(split));
    }
  }
  std::string bytes;
  for (std::u32string& piece : pieces) {
    bytes.clear();
    for (char32_t c : piece) utf8::append(c, bytes);
    piece.clear();
    for (unsigned char b : bytes) piece.push_back(byte_level_char(b));
  }
  splits = std::move(pieces);
}

}  // namespace ce
