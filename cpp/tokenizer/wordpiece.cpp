// Greedy longest-match-first WordPiece, equal to tokenizers' WordPiece::tokenize. HF tries ever shorter
// substrings; the longest vocab token that prefixes the rest of the word is the same answer (a token is
// valid UTF-8, so it always ends on a character boundary), found here in one trie walk.
#include "tokenizer/wordpiece.h"

#include "common/error.h"

namespace ce {
namespace {

std::vector<std::pair<std::string_view, int32_t>> entries(const std::vector<std::string>& vocab,
                                                           std::string_view prefix, bool continuation) {
  std::vector<std::pair<std::string_view, int32_t>> out;
  for (size_t id = 0; id < vocab.size(); ++id) {
    std::string_view token = vocab[id];
    if (continuation) {
      if (token.size() <= prefix.size() || token.substr(0, prefix.size()) != prefix) continue;
      token.remove_prefix(prefix.size());
    }
    out.emplace_back(token, static_cast<int32_t>(id));
  }
  return out;
}

// Checked before the tries are built: an empty prefix would make every token a continuation.
std::string_view nonempty_prefix(std::string_view prefix) {
  if (prefix.empty()) throw Error(ErrorCode::InvalidTokenizer, "tokenizer continuing_subword_prefix must not be empty");
  return prefix;
}

}  // namespace

WordPiece::WordPiece(const std::vector<std::string>& vocab, std::string_view unk_token, std::string_view prefix,
                     size_t max_input_chars_per_word)
    : whole_(entries(vocab, nonempty_prefix(prefix), false)),
      continuation_(entries(vocab, prefix, true)),
      vocab_size_(vocab.size()),
      max_chars_(max_input_chars_per_word) {
  unk_id_ = whole_.find(unk_token);
  if (unk_id_ < 0) {
    throw Error(ErrorCode::InvalidTokenizer, "tokenizer vocab has no unk token \"" + std::string(unk_token) + "\"");
  }
}

void WordPiece::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  size_t chars = 0;
  for (char b : word) chars += (static_cast<unsigned char>(b) & 0xC0) != 0x80;
  if (chars > max_chars_) {
    out.push_back(unk_id_);
    return;
  }
  const size_t first_piece = out.size();
  size_t start = 0;
  while (start < word.size()) {
    const PrefixTrie& trie = start == 0 ? whole_ : continuation_;
    const PrefixTrie::Match m = trie.longest_prefix(word.substr(start));
    if (m.id < 0) {
      // No piece matches here: the whole word becomes one [UNK].
      out.resize(first_piece);
      out.push_back(unk_id_);
      return;
    }
    out.push_back(m.id);
    start += m.length;
  }
}

}  // namespace ce
