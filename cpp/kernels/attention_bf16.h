// Attention with bf16 matmuls on VDPBF16PS (AttentionLayout::bf16_matmuls, on CPUs with AVX512-BF16): per head,
// K, V, the queries and the probabilities as bf16 pairs, two products per lane per instruction; scores, softmax and
// sums in fp32. attention_forward calls it; elsewhere the same operands go through fp32 FMAs (attention.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/aligned_vector.h"
#include "kernels/attention.h"

namespace ce {

// One thread's scratch, reused across heads; cache-line aligned (tile rows and vector loads of 64 bytes).
struct AttentionBf16Scratch {
  AlignedVector<uint32_t> kt;  // [head_dim / 2][kv_pad]: (k[j][2p], k[j][2p+1]) as a bf16 pair, zero past the keys
  AlignedVector<uint32_t> vp;  // [kv_pad / 2][hd_pad]: (v[2p][d], v[2p+1][d]), zero past the keys and head_dim
  AlignedVector<uint32_t> qp;  // [query rows][head_dim / 2]: each query's (q[2p], q[2p+1])
  AlignedVector<uint32_t> pp;  // [kQueryRows][kv_pad / 2]: each row's probabilities (p[2i], p[2i+1])
  AlignedVector<float> scores;  // [kQueryRows][kv_pad]
  AlignedVector<float> ctx;     // [kQueryRows][hd_pad]
  AlignedVector<uint16_t> row16;  // the tile head's (attention_bf16_tiles.h) bf16 copies of one or two K/V rows
};

// Computes sequence s, head h of attention_forward's output.
using AttentionHeadFn = void (*)(const AttentionLayout& layout, size_t s, size_t h, const float* q, const float* k,
                                 const float* v, float* out, AttentionBf16Scratch& scratch);

// The VDPBF16PS head kernel when this CPU has AVX512-BF16 and the vector loops run at the AVX-512 level (CPU
// detection or CE_FORCE_ISA); nullptr otherwise (and on non-x86 builds).
AttentionHeadFn attention_bf16_head_kernel();

}  // namespace ce
