// Added-tokens stage (HF's AddedVocabulary, non-normalized tokens): tokens matched verbatim in the raw text,
// before normalization, e.g. "[SEP]" typed inside a passage becomes the [SEP] id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ce {

class AddedTokens {
 public:
  AddedTokens() = default;
  // (content, id) pairs; empty contents are ignored. When two match at one position the longest wins.
  explicit AddedTokens(std::vector<std::pair<std::string, int32_t>> tokens);

  bool empty() const { return tokens_.empty(); }
  // Length of the added token that starts at text[pos] (0 if none) and its id in `id`.
  size_t match_at(std::string_view text, size_t pos, int32_t& id) const;

 private:
  std::vector<std::pair<std::string, int32_t>> tokens_;  // longest first, so the first match is the longest
};

}  // namespace ce
