// Attention head with both bf16 matmuls on AMX (TDPBF16PS): attention_bf16_tiles.h's head over the real tiles,
// the same tile program the AMX GEMM runs. Chosen where the AMX bf16 GEMM kernel is the active one.
#include <immintrin.h>

#include "kernels/x86/amx_tiles.h"
#include "kernels/attention_bf16_tiles.h"

#pragma GCC diagnostic ignored "-Wpsabi"

#define CE_AMX_ATTENTION_TARGET \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,avx2,fma," CE_AMX_TARGET_STRING)))

namespace ce {

AttentionHeadFn attention_bf16_head_amx();

namespace {

// The lanes of the 16-key block at jb that are keys of [keys.begin, keys.end).
CE_AMX_ATTENTION_TARGET inline __mmask16 keys_mask(size_t jb, attention_parts::KeyRange keys) {
  if (jb >= keys.begin && jb + kVecLanes <= keys.end) return 0xFFFF;
  const __m512i j = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                     _mm512_set1_epi32(static_cast<int>(jb)));
  return _mm512_cmpge_epi32_mask(j, _mm512_set1_epi32(static_cast<int>(keys.begin))) &
         _mm512_cmplt_epi32_mask(j, _mm512_set1_epi32(static_cast<int>(keys.end)));
}

// attention_tiles::softmax_to_bf16's steps in AVX-512 (the head is chosen only where the CPU has AVX512-BF16):
// exp as 2^y with y = scale * log2(e) * (s - max), a rounded exponent n and a polynomial in y - n put together by
// VSCALEFPS, and the bf16 rounding (to nearest even) and packing by one VCVTNEPS2BF16. The portable steps took
// about 35 vector instructions per 16 scores on the two ports that run 512-bit operations; these take 15.
// exp's relative error is ~2e-7, as exp_nonpositive's, far below the bf16 step it is rounded to.
CE_AMX_ATTENTION_TARGET float softmax_row_avx512(const float* row, attention_parts::KeyRange keys, size_t jlo,
                                                 size_t jhi, float scale, uint16_t* p) {
  __m512 vm = _mm512_set1_ps(-__builtin_huge_valf());
  for (size_t jb = jlo; jb < jhi; jb += kVecLanes)
    vm = _mm512_mask_max_ps(vm, keys_mask(jb, keys), vm, _mm512_loadu_ps(row + jb));
  const float log2e_scale = scale * 1.44269504088896341f;
  const __m512 a = _mm512_set1_ps(log2e_scale), b = _mm512_set1_ps(_mm512_reduce_max_ps(vm) * log2e_scale);
  // 2^f for f in [-1/2, 1/2]: e^(f ln 2)'s Taylor terms (ln 2)^i / i! up to i = 6.
  const __m512 c1 = _mm512_set1_ps(0.693147180559945f), c2 = _mm512_set1_ps(0.240226506959101f),
               c3 = _mm512_set1_ps(0.0555041086648216f), c4 = _mm512_set1_ps(0.00961812910762848f),
               c5 = _mm512_set1_ps(0.00133335581464284f), c6 = _mm512_set1_ps(0.000154035303933816f);
  const __m512 one = _mm512_set1_ps(1.0f), floor_y = _mm512_set1_ps(-125.0f);  // 2^-125: still a normal float
  __m512 vs = _mm512_setzero_ps();
  for (size_t jb = jlo; jb < jhi; jb += kVecLanes) {
    const __mmask16 m = keys_mask(jb, keys);
    const __m512 y = _mm512_max_ps(_mm512_fmsub_ps(_mm512_loadu_ps(row + jb), a, b), floor_y);
    const __m512 n = _mm512_roundscale_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512 f = _mm512_sub_ps(y, n);
    __m512 q = _mm512_fmadd_ps(c6, f, c5);
    q = _mm512_fmadd_ps(q, f, c4);
    q = _mm512_fmadd_ps(q, f, c3);
    q = _mm512_fmadd_ps(q, f, c2);
    q = _mm512_fmadd_ps(q, f, c1);
    q = _mm512_fmadd_ps(q, f, one);
    const __m512 e = _mm512_maskz_scalef_ps(m, q, n);  // zero on the keys the row does not see
    vs = _mm512_add_ps(vs, e);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + jb), (__m256i)_mm512_cvtneps_pbh(e));
  }
  return 1.0f / _mm512_reduce_add_ps(vs);
}

struct TileMatMul {
  amx::Bf16Tiles tiles;
  // A call, not inlined: the head's body is inlined into one_head below, but GCC checks an always-inline callee
  // against the template it is written in, which has no AMX target.
  CE_AMX_ATTENTION_TARGET void operator()(const void* a, size_t lda, const void* b0, const void* b1, size_t kc,
                                          float* acc, size_t ldacc, size_t rows) {
    amx::run_program<amx::Bf16Tiles, uint16_t, float>(tiles, a, lda, b0, b1, static_cast<int>(kc), acc, ldacc,
                                                      false, static_cast<int>(rows));
  }
  CE_AMX_ATTENTION_TARGET float softmax_row(const float* row, attention_parts::KeyRange keys, size_t jlo, size_t jhi,
                                            float scale, uint16_t* p) {
    return softmax_row_avx512(row, keys, jlo, jhi, scale, p);
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
