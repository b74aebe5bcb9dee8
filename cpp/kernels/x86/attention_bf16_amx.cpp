// Attention head with both bf16 matmuls on AMX (TDPBF16PS): attention_bf16_tiles.h's head over the real tiles,
// the same tile program the AMX GEMM runs. Chosen where the AMX bf16 GEMM kernel is the active one.
#include "kernels/x86/amx_tiles.h"
#include "kernels/attention_bf16_tiles.h"

#pragma GCC diagnostic ignored "-Wpsabi"

#define CE_AMX_ATTENTION_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma," CE_AMX_TARGET_STRING)))

namespace ce {

AttentionHeadFn attention_bf16_head_amx();

namespace {

struct TileMatMul {
  amx::Bf16Tiles tiles;
  // A call, not inlined: the head's body is inlined into one_head below, but GCC checks an always-inline callee
  // against the template it is written in, which has no AMX target.
  CE_AMX_ATTENTION_TARGET void operator()(const void* a, size_t lda, const void* b0, const void* b1, size_t kc,
                                          float* acc, size_t ldacc, size_t rows) {
    amx::run_program<amx::Bf16Tiles, uint16_t, float>(tiles, a, lda, b0, b1, static_cast<int>(kc), acc, ldacc,
                                                      false, static_cast<int>(rows));
  }
};

CE_AMX_ATTENTION_TARGET void one_head(const AttentionLayout& layout, size_t s, size_t h, const float* q,
                                      const float* k, const float* v, float* out, AttentionBf16Scratch& w) {
  TileMatMul mm;
  attention_tiles::head(mm, layout, s, h, q, k, v, out, w);
}

}  // namespace

AttentionHeadFn attention_bf16_head_amx() { return one_head; }

}  // namespace ce
