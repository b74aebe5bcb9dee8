// Scaled dot-product self-attention per sequence and head over packed (unpadded) rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

class ThreadPool;
struct GemmKernel;

// Which head computes bf16 matmuls (AttentionLayout::bf16_heads; the tests force each one).
enum class Bf16AttentionHeads {
  Auto,    // the AMX tile head where the AMX bf16 GEMM kernel is active, else Vector
  Vector,  // VDPBF16PS where the CPU has AVX512-BF16 at the AVX-512 level, else fp32 loops on the rounded operands
  Tiles,   // the tile head (attention_bf16_tiles.h) over AttentionLayout::bf16_tile_kernel
};

// `AttentionLayout::window` when every query sees every key of its sequence.
inline constexpr size_t kNoAttentionWindow = static_cast<size_t>(-1);

// Where each sequence's rows live: sequence s has query rows [q_offsets[s], q_offsets[s+1]) and key/value
// rows [kv_offsets[s], kv_offsets[s+1]). Query rows may be a prefix of the sequence (e.g. only [CLS]): query row
// q_offsets[s] + t is the sequence's token t.
struct AttentionLayout {
  const std::vector<int32_t>* q_offsets;
  const std::vector<int32_t>* kv_offsets;
  size_t hidden;  // row stride of q, k, v and out; head h uses columns [h*head_dim, (h+1)*head_dim)
  size_t heads;
  // Bidirectional sliding window (ModernBERT's local layers): token t attends only keys j with |t - j| <= window,
  // as transformers' sliding_window_bidirectional_overlay. kNoAttentionWindow: all keys (BERT).
  size_t window = kNoAttentionWindow;
  // The two matmuls in bfloat16 (the bf16 and int8 precisions): q, k, v and the softmax probabilities are
  // rounded to bf16 before they are multiplied (the products are exact in fp32), scores, softmax and sums stay
  // fp32. Runs on AMX tiles where the AMX bf16 GEMM runs, on VDPBF16PS where the CPU has AVX512-BF16, else on fp32
  // FMAs over the rounded values (the same products; only the order of the adds can differ). false: fp32
  // throughout (the exact path).
  bool bf16_matmuls = false;
  Bf16AttentionHeads bf16_heads = Bf16AttentionHeads::Auto;
  // With Bf16AttentionHeads::Tiles: a bf16 kernel with the AMX tile program's shape (32 rows, two panels), whose
  // run_converted does the matmuls: the hardware one, or the tile model (cpp/tests/amx_tile_model.h).
  const GemmKernel* bf16_tile_kernel = nullptr;
};

// out[q_row, head cols] = softmax(q k^T / sqrt(head_dim)) v for each sequence and head, over the keys in the
// query's window (with bf16_matmuls, over the rounded operands).
// Reference: direct dot products, one thread.
void attention_reference(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out);

// Fast: K transposed and V copied per head into zero-padded scratch so score, softmax (vectorised exp,
// relative error ~2e-7) and context loops run on whole 16-float vectors; work is split over (sequence, head)
// on the pool. Each output depends only on its own sequence and head, bitwise. With a window, each group of query
// rows scores only the keys its windows reach (local layers cost O(n * window), not O(n^2)); scratch is O(n) per
// thread either way.
void attention_forward(const AttentionLayout& layout, const float* q, const float* k, const float* v, float* out,
                       ThreadPool* pool);

}  // namespace ce
