// AddedTokens: a linear scan over a handful of tokens per position (BERT has five), longest first.
#include "tokenizer/added_tokens.h"

#include <algorithm>

namespace ce {

AddedTokens::AddedTokens(std::vector<std::pair<std::string, int32_t>> tokens) {
  for (auto& t : tokens) {
    if (!t.first.empty()) tokens_.push_back(std::move(t));
  }
  std::stable_sort(tokens_.begin(), tokens_.end(),
                   [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
}

size_t AddedTokens::match_at(std::string_view text, size_t pos, int32_t& id) const {
  for (const auto& [content, token_id] : tokens_) {
    if (text[pos] == content[0] && text.compare(pos, content.size(), content) == 0) {
      id = token_id;
      return content.size();
    }
  }
  return 0;
}

}  // namespace ce
