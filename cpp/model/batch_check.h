// Validation of a PackedBatch against a model's limits, before any memory is touched by the forward pass.
#pragma once

#include "model/bert_config.h"
#include "model/bert_model.h"

namespace ce {

// Throws ce::Error(InvalidArgument) naming the field, sequence and value that is out of range.
void validate_packed_batch(const PackedBatch& batch, const BertConfig& config);

}  // namespace ce
