// Splitting a packed batch into runs of whole sequences that threads forward on their own.
#pragma once

#include <cstddef>
#include <vector>

#include "model/packed_batch.h"

namespace ce {

// Sequences [begin, end) of a batch.
struct SequenceRange {
  size_t begin, end;
};

// How a batch runs on `threads` threads. Row-parallel (every op split over all threads, one pass over the
// batch) is what short batches need: their GEMMs are too short for one thread to stream a layer's weights per
// few rows, so the threads share each GEMM's columns. Once a batch holds enough tokens that every thread gets
// several runs of at least 128 tokens (and at least two sequences per thread, none longer than a run), each
// thread instead forwards whole runs of sequences on its own: no barrier between ops, and a run's activations
// stay in that core's caches from one op to the next. Every sequence's logits are the same bits either way
// (each op's results depend only on their own row and sequence). Whether that pays depends on the weights
// staying cached (SequenceClassifier::set_sequence_parallel).
// Returns the runs (consecutive, covering every sequence, each about the same number of tokens), or an empty
// vector when the batch should run row-parallel.
std::vector<SequenceRange> split_for_threads(const PackedBatch& batch, size_t threads);

// The sequences of `range` as a batch of their own (offsets from 0).
PackedBatch slice_sequences(const PackedBatch& batch, SequenceRange range);

}  // namespace ce
