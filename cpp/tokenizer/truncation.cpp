// longest_first as tokenizers 0.2x computes it for pairs: the shorter side keeps all it can, and when both
// must shrink they split the budget, the longer side taking the odd token.
#include "tokenizer/truncation.h"

#include <algorithm>
#include <utility>

namespace ce {

PairLengths longest_first(size_t len_a, size_t len_b, size_t budget) {
  if (len_a + len_b <= budget) return {len_a, len_b};
  size_t n1 = len_a, n2 = len_b;
  const bool swapped = n1 > n2;  // make n1 the shorter side
  if (swapped) std::swap(n1, n2);
  n2 = n1 > budget ? n1 : std::max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  if (swapped) std::swap(n1, n2);
  return {std::min(n1, len_a), std::min(n2, len_b)};
}

}  // namespace ce
