// DeBERTa's disentangled self-attention over packed (unpadded) rows: content-to-content scores plus the
// content-to-position (c2p) and position-to-content (p2c) terms read from relative-position projections.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/attention.h"

namespace ce {

class ThreadPool;

// The relative-position part of one layer's attention. For query position i and key position j of a sequence
// (d = i - j), with head columns of row r of pos_key / pos_query:
//   score(i, j) = q_i . k_j / scale + (q_i . pos_key[c2p[d]]) / scale + (k_j . pos_query[p2c[d]]) / scale
// A term whose projection is null is left out (relative_attention false, or pos_att_type without it).
struct RelativeAttention {
  const float* pos_key = nullptr;    // [positions][hidden]: relative embeddings through key_proj / pos_key_proj
  const float* pos_query = nullptr;  // [positions][hidden]: through query_proj / pos_query_proj
  // pos_key / pos_query hold rows [first_row, first_row + positions) of the 2 * span projections (a batch of short
  // sequences needs only the rows near distance 0).
  size_t first_row = 0;
  size_t positions = 0;
  // Row of each term for distance d at [d + max_length - 1]; the rows a batch reads must be held (checked).
  const int32_t* c2p_index = nullptr;
  const int32_t* p2c_index = nullptr;
  size_t max_length = 0;  // longest sequence the index tables cover
  float scale = 1.0f;     // sqrt(head_dim * (1 + number of position terms in pos_att_type))
};

// out[q_row, head cols] = softmax(score) v per sequence and head. Query rows of sequence s are its first
// q_offsets[s+1] - q_offsets[s] positions (all of them, or just the first token for a head-only last layer).
// Reference: HF's order of operations (keys divided by the scale before the product), full score rows, libm exp,
// one thread.
void disentangled_attention_reference(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                      const float* k, const float* v, float* out);

// Fast: per (sequence, head) on the pool, keys transposed into zero-padded scratch so the content scores, the c2p
// rows and the p2c table run on whole 16-float vectors, eight query rows at a time; working memory grows with the
// sequence length, never its square (the p2c table is [used positions][keys], at most 2 * span rows). Each output
// depends only on its own sequence and head, bitwise (not on how rows are grouped or the pool splits the work).
void disentangled_attention_forward(const AttentionLayout& layout, const RelativeAttention& rel, const float* q,
                                    const float* k, const float* v, float* out, ThreadPool* pool);

}  // namespace ce
