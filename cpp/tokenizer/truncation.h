// Pair truncation with tokenizers' `longest_first` strategy.
#pragma once

#include <cstddef>

namespace ce {

struct PairLengths {
  size_t a, b;
};

// Lengths to keep of the two sides so that a + b <= budget (budget = max_length - special tokens).
PairLengths longest_first(size_t len_a, size_t len_b, size_t budget);

}  // namespace ce
