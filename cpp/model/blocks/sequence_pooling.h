// Pooling a packed batch's token rows into one row per sequence: its first token ([CLS]) or the mean of its tokens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

enum class SequencePooling { First, Mean };

// Sequence s owns rows [offsets[s], offsets[s+1]) of `rows` (row stride `width`); writes one row per sequence to
// `out`. Mean: the sum over the sequence's tokens (accumulated in double, in token order) divided by their count,
// as transformers' masked mean over real tokens.
void pool_sequences(SequencePooling pooling, const float* rows, const std::vector<int32_t>& offsets, size_t width,
                    float* out);

}  // namespace ce
