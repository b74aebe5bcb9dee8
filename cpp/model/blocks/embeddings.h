// The embeddings block of BERT-shaped encoders: word + token type + position rows, LayerNorm, and (ELECTRA, when
// embedding_size != hidden_size) a projection to the hidden width.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/gemm.h"
#include "model/blocks/embedding_table.h"
#include "model/blocks/layer_norm_weights.h"
#include "model/forward_scratch.h"
#include "model/ops.h"
#include "model/packed_batch.h"

namespace ce {

// How a token's position id is made (HF's rule for each family).
enum class PositionIds {
  // BERT, ELECTRA: 0, 1, 2, ... within each sequence.
  FromZero,
  // RoBERTa, XLM-R (create_position_ids_from_input_ids): a token equal to padding_idx gets padding_idx; every
  // other token gets padding_idx + (number of non-padding tokens up to and including it). Positions therefore
  // start at padding_idx + 1 and a sequence may hold max_position_embeddings - padding_idx - 1 tokens.
  AfterPadding,
};

struct EmbeddingsShape {
  size_t width = 0;  // embedding_size (== hidden_size except ELECTRA-style configs)
  size_t vocab = 0, positions = 0, token_types = 0;  // table rows
  PositionIds position_ids = PositionIds::FromZero;
  int32_t padding_idx = 0;  // AfterPadding only
  // false (RoBERTa, XLM-R): their tokenizers hand the model no token_type_ids, so HF adds row 0 to every token,
  // whatever type ids our tokenizer computed.
  bool use_token_type_ids = true;
  float layer_norm_eps = 1e-12f;

  // The longest sequence whose position ids stay inside the table.
  size_t max_sequence_length() const;
};

struct EmbeddingsWeights {
  EmbeddingTable word;                                   // [vocab][width]
  std::vector<float> position, token_type;               // row-major [rows][width]
  LayerNormWeights norm;                                 // [width]
  std::optional<PackedLinear> projection;                // width -> hidden (ELECTRA embeddings_project)
};

// Throws InvalidArgument naming the table when a size disagrees with `shape` (and `hidden` for the projection).
void check_embeddings(const EmbeddingsShape& shape, const EmbeddingsWeights& weights, size_t hidden,
                      const char* model);

// Embeds a validated batch (lengths within max_sequence_length()) and returns the hidden-state rows, which are
// left in scratch slot kHs.
float* embed(const Ops& ops, const EmbeddingsShape& shape, const EmbeddingsWeights& weights, const PackedBatch& batch,
             size_t hidden, ForwardScratch& scratch);

}  // namespace ce
