// SplitStepsPreTokenizer and split_by_pattern: tokenizers' NormalizedString::split behaviours, on code points.
#include "tokenizer/pre_tokenizer_splits.h"

#include <algorithm>

#include "tokenizer/utf8.h"

namespace ce {

void SplitStepsPreTokenizer::pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const {
  words.clear();
  Splits splits;
  if (!text.empty()) splits.push_back(text);
  for (const auto& step : steps_) step->apply(splits);
  for (const std::u32string& split : splits) {
    for (char32_t c : split) utf8::append(c, words.text());
    words.finish_word();
  }
}

void split_by_pattern(std::u32string_view text, const SplitPattern& pattern, SplitBehavior behavior, bool invert,
                      std::vector<PatternMatch>& matches, Splits& out) {
  if (text.empty()) return;
  pattern.find_matches(text, matches);
  if (invert) {
    for (PatternMatch& m : matches) m.is_match = !m.is_match;
  }
  // Pieces as (begin, end), built as tokenizers folds the stretches for each behaviour.
  std::vector<std::pair<size_t, size_t>> pieces;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::Removed:
      for (const PatternMatch& m : matches) {
        if (!m.is_match) pieces.emplace_back(m.begin, m.end);
      }
      break;
    case SplitBehavior::Isolated:
      for (const PatternMatch& m : matches) pieces.emplace_back(m.begin, m.end);
      break;
    case SplitBehavior::MergedWithPrevious:
      // A match joins the piece before it, unless that piece was itself a match.
      for (const PatternMatch& m : matches) {
        if (m.is_match && !previous_match && !pieces.empty()) {
          pieces.back().second = m.end;
        } else {
          pieces.emplace_back(m.begin, m.end);
        }
        previous_match = m.is_match;
      }
      break;
    case SplitBehavior::MergedWithNext:
      // A match joins the piece after it, unless that piece is itself a match (folded from the end).
      for (size_t i = matches.size(); i-- > 0;) {
        const PatternMatch& m = matches[i];
        if (m.is_match && !previous_match && !pieces.empty()) {
          pieces.back().first = m.begin;
        } else {
          pieces.emplace_back(m.begin, m.end);
        }
        previous_match = m.is_match;
      }
      std::reverse(pieces.begin(), pieces.end());
      break;
    case SplitBehavior::Contiguous:
      // Runs of stretches of the same kind become one piece (tokenizers starts as if a non-match came first).
      for (const PatternMatch& m : matches) {
        if (m.is_match == previous_match && !pieces.empty()) {
          pieces.back().second = m.end;
        } else {
          pieces.emplace_back(m.begin, m.end);
        }
        previous_match = m.is_match;
      }
      break;
  }
  for (const auto& [begin, end] : pieces) {
    if (end > begin) out.emplace_back(text.substr(begin, end - begin));
  }
}

}  // namespace ce
