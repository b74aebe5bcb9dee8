// First-token and mean pooling over packed sequences.
#include "model/blocks/sequence_pooling.h"

#include <algorithm>
#include <vector>

namespace ce {

void pool_sequences(SequencePooling pooling, const float* rows, const std::vector<int32_t>& offsets, size_t width,
                    float* out) {
  const size_t seqs = offsets.empty() ? 0 : offsets.size() - 1;
  std::vector<double> sum(pooling == SequencePooling::Mean ? width : 0);
  for (size_t s = 0; s < seqs; ++s) {
    const size_t first = static_cast<size_t>(offsets[s]), end = static_cast<size_t>(offsets[s + 1]);
    float* o = out + s * width;
    if (pooling == SequencePooling::First) {
      std::copy_n(rows + first * width, width, o);
      continue;
    }
    std::fill(sum.begin(), sum.end(), 0.0);
    for (size_t r = first; r < end; ++r)
      for (size_t i = 0; i < width; ++i) sum[i] += rows[r * width + i];
    const double count = static_cast<double>(end - first);
    for (size_t i = 0; i < width; ++i) o[i] = static_cast<float>(sum[i] / count);
  }
}

}  // namespace ce
