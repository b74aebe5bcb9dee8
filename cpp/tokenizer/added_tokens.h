// Added-tokens stage (HF's AddedVocabulary): tokens cut out of the text before the model sees it, e.g. "[SEP]" or
// "<mask>" typed inside a passage. Raw tokens (normalized: false) are matched in the original text, normalized ones
// in the normalized text; lstrip / rstrip absorb the whitespace beside a match, single_word rejects a match inside
// a word. Matching is leftmost-longest and non-overlapping, as tokenizers' Aho-Corasick.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ce {

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;  // matched after normalization (against the normalized content)
};

// One piece of a text split by added tokens: [begin, end) bytes, and the token's id or -1 for plain text.
struct AddedTokenSplit {
  size_t begin, end;
  int32_t id;
};

class AddedTokens {
 public:
  AddedTokens() = default;
  // Raw tokens without options (BERT's specials); empty contents are ignored.
  explicit AddedTokens(std::vector<std::pair<std::string, int32_t>> tokens);
  explicit AddedTokens(std::vector<AddedToken> tokens);

  bool empty() const { return tokens_.empty(); }
  const std::vector<AddedToken>& tokens() const { return tokens_; }

  // Replaces `out` with the pieces of `text`: plain stretches (never empty) and token matches, in order.
  void split(std::string_view text, std::vector<AddedTokenSplit>& out) const;

 private:
  std::vector<AddedToken> tokens_;  // longest first, so the first match at a position is the longest
  bool first_byte_[256] = {};
};

}  // namespace ce
