// Checks a PackedBatch (offsets, token ids, type ids, lengths) so bad input is an error, never a bad read.
#include "model/packed_batch.h"

#include <string>

#include "common/error.h"

namespace ce {

namespace {

[[noreturn]] void fail(const std::string& what) { throw Error(ErrorCode::InvalidArgument, "PackedBatch: " + what); }

}  // namespace

void validate_packed_batch(const PackedBatch& batch, const BatchLimits& limits) {
  const size_t rows = batch.input_ids.size();
  if (batch.token_type_ids.size() != rows)
    fail("token_type_ids has " + std::to_string(batch.token_type_ids.size()) + " entries but input_ids has " +
         std::to_string(rows));
  const auto& off = batch.seq_offsets;
  if (off.empty()) {
    if (rows != 0) fail("seq_offsets is empty but input_ids has " + std::to_string(rows) + " tokens");
    return;
  }
  if (off.front() != 0) fail("seq_offsets[0] is " + std::to_string(off.front()) + ", expected 0");
  if (static_cast<size_t>(off.back()) != rows)
    fail("seq_offsets ends at " + std::to_string(off.back()) + " but input_ids has " + std::to_string(rows) +
         " tokens");
  for (size_t s = 0; s + 1 < off.size(); ++s) {
    const int64_t len = static_cast<int64_t>(off[s + 1]) - off[s];
    if (len < 1)
      fail("sequence " + std::to_string(s) + " has length " + std::to_string(len) +
           " (seq_offsets must increase; every sequence needs at least one token)");
    if (len > limits.max_sequence_length)
      fail("sequence " + std::to_string(s) + " has " + std::to_string(len) +
           " tokens, more than max_position_embeddings " + std::to_string(limits.max_sequence_length));
  }
  for (size_t i = 0; i < rows; ++i) {
    if (batch.input_ids[i] < 0 || batch.input_ids[i] >= limits.vocab_size)
      fail("input_ids[" + std::to_string(i) + "] = " + std::to_string(batch.input_ids[i]) +
           " is outside the vocabulary [0, " + std::to_string(limits.vocab_size) + ")");
    if (batch.token_type_ids[i] < 0 || batch.token_type_ids[i] >= limits.type_vocab_size)
      fail("token_type_ids[" + std::to_string(i) + "] = " + std::to_string(batch.token_type_ids[i]) +
           " is outside [0, type_vocab_size " + std::to_string(limits.type_vocab_size) + ")");
  }
}

}  // namespace ce
