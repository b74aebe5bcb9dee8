// Packed-weight layout and the micro-kernel contract shared by pack_linear, the GEMM driver and every ISA kernel.
#pragma once

#include <cstddef>

#include "kernels/weight_format.h"
#include "runtime/cpu_features.h"

namespace ce {

// Output columns per packed weight panel: one AVX-512 vector, two AVX2 vectors, four NEON vectors.
inline constexpr int kGemmNR = 16;
static_assert(kGemmNR == 16, "packed_weight() in gemm.h hard-codes the panel width");

// Weight rows (one 64 B line per panel) the x86 micro-kernels prefetch ahead of use. The first row block of a
// task meets every weight line cold (a layer's weights stream from L3: 2.4 MB for MiniLM's FFN, more than fits
// L2 next to the activations), and the hardware streamer restarts at each 4 KB page; a single pair (32 rows)
// spends most of its time in that first pass. bench/model_bench single32, 1 thread, three alternating rounds:
// AVX-512 min of 200 calls 7.6-11.4 ms without, 5.5-9.2 ms at 16 (8 and 32 in between or equal); AVX2
// (CE_FORCE_ISA=avx2) median 15.1-19.7 -> 12.8-16.2 ms; b32x128 unchanged within noise. Never changes a result.
inline constexpr int kGemmPrefetchSteps = 16;

// Panel p holds W[p*NR + j][k] at element (p * Kp * NR) + (k / g * NR + j) * g + k % g of the packed weights, in
// the layer's format, where g = gemm_k_group(format) k values share one 32-bit lane of a column (F32: 1; BF16: a
// pair, as VDPBF16PS, BFDOT and AMX TDPBF16PS read them; I8: four, as VPDPBUSD, SDOT and AMX TDPB*D read them)
// and Kp = gemm_padded_k(format, K) (K rounded up so an AMX tile step of 64 bytes per row never crosses the end;
// the padding is zero in weights and activations, so it adds exact zeros). Every format's panel row is 64
// bytes: the k step k0 of panel p (k0 a multiple of g) starts at byte (p * Kp + k0) * NR * bytes_per_element.
// Columns past out_features are zero.
inline constexpr size_t gemm_k_group(WeightFormat format) {
  return format == WeightFormat::BF16 ? 2 : format == WeightFormat::I8 ? 4 : 1;
}
inline constexpr size_t gemm_padded_k(WeightFormat format, size_t k) {
  // One AMX tile row is 64 bytes: 32 bf16 or 64 int8 values of k.
  const size_t align = format == WeightFormat::BF16 ? 32 : format == WeightFormat::I8 ? 64 : 1;
  return (k + align - 1) / align * align;
}
// Depth of one k block of the driver (gemm.cpp): a multiple of every format's padding, so a block of a
// converted format is always whole AMX tile steps.
inline constexpr int kGemmKBlock = 256;
static_assert(kGemmKBlock % 64 == 0, "k blocks must be whole AMX tile steps");

inline size_t gemm_panel_count(int out_features) { return (static_cast<size_t>(out_features) + kGemmNR - 1) / kGemmNR; }

// One register-blocked micro-kernel call computes an mr x (16 or 32) tile over kc steps of k:
//   acc[r*ldacc + j]      (+)= sum_{k<kc} a[k*mr + r] * b0[k*16 + j]        j < 16
//   acc[r*ldacc + 16 + j] (+)= sum_{k<kc} a[k*mr + r] * b1[k*16 + j]        only when b1 != nullptr
// b0 and b1 point into the packed weights in the kernel's WeightFormat (untyped here so that every format's
// kernel has the one signature; an F32 kernel reads floats).
// `a` is the activation block packed k-major (mr values per k step). With accumulate=false the sums start at
// zero, else at acc. Every element is one k-ordered chain of multiply-adds, identical whichever tile shape,
// panel count or k-block split computes it: so results are bitwise independent of M, N tiling and threads.
using GemmMicroKernel = void (*)(const float* a, const void* b0, const void* b1, int kc, float* acc, size_t ldacc,
                                 bool accumulate);

// The same contract with the activations read in place, row-major: row r's k-th value is a[r * lda + k]
// (no packing pass), for the first `rows` (1..mr) rows only: rows past it are neither read nor written, so a
// row tail costs no padded work. Each element's chain is the packed kernel's, so results are bitwise equal.
using GemmDirectMicroKernel = void (*)(const float* a, size_t lda, const void* b0, const void* b1, int kc,
                                       float* acc, size_t ldacc, bool accumulate, int rows);

// BF16 and I8 kernels read activations the driver has already converted (gemm_convert.h): bf16 bit patterns or
// int8 values, row-major, row r at a + r * lda elements (lda >= Kp; the padding holds bf16 zeros, or the I8 row's
// zero point, against zero weights), rows 0..rows-1 only (1..mr).
// kc is a multiple of 64; b0/b1 point at the k step in the packed weights; acc holds float (BF16) or int32_t
// (I8) sums, row stride ldacc elements, 16 or 32 columns as above:
//   BF16: acc (+)= sum_k bf16(a[r][k]) * bf16(b[k][j]) in fp32 (products are exact; the order and fusion of
//         the adds is the instruction's: k order for the FMA kernels, pairs for VDPBF16PS/BFDOT/AMX).
//   I8:   acc (+)= sum_k a[r][k] * b[k][j] exactly in int32 (wrapping), where a[r][k] is the signed quantised
//         value in [-127, 127], or, for a kernel with unsigned_activations, that value + 128 stored as uint8
//         (VPDPBUSD multiplies u8 by s8): the driver then subtracts the row's zero point (which counts the 128)
//         times the column sum of the weights from the total, exactly (quantize_row_i8, dequantize_i8).
// Every element's sum is the same instruction sequence whatever the row count, tile or thread: results are
// bitwise independent of M, N tiling and threads, as for F32.
using GemmConvertedMicroKernel = void (*)(const void* a, size_t lda, const void* b0, const void* b1, int kc,
                                          void* acc, size_t ldacc, bool accumulate, int rows);

struct GemmKernel {
  const char* name;     // "avx512-f32", "avx512-bf16", "amx-int8", ...: what runs, for `info` and benchmarks
  Isa isa;              // the ISA level it belongs to (CE_FORCE_ISA caps the level a kernel may come from)
  WeightFormat format;  // of the packed weights it reads
  int mr;               // rows per call
  int panels;           // 1 or 2: weight panels (16 columns each) the kernel can take per call
  GemmMicroKernel run = nullptr;               // F32 kernels
  GemmDirectMicroKernel run_direct = nullptr;  // F32, optional; when set, the driver does not pack activations
  GemmConvertedMicroKernel run_converted = nullptr;  // BF16 and I8 kernels
  bool unsigned_activations = false;                 // I8: wants quantised activations + 128 as uint8
  // Depth of the driver's k blocks for this kernel (BF16 and I8: a multiple of 64; the AMX tile programs size
  // their staging for kGemmKBlock). Deeper blocks load and store each tile's accumulators fewer times.
  int k_block = kGemmKBlock;
  CpuFeatures needs{};  // capabilities beyond the ISA level it executes (avx512_bf16 for a bf16 dot product)
};

// Kernels compiled into this binary; each lives in its own file (gemm_<format>_<isa>.cpp) built for its ISA,
// and is listed in the kernel table (gemm_kernel_table.cpp), best first.
extern const GemmKernel kGemmF32PortableKernel;
extern const GemmKernel kGemmBf16PortableKernel;
extern const GemmKernel kGemmI8PortableKernel;
#if defined(CE_HAVE_X86_KERNELS)
extern const GemmKernel kGemmF32Avx2Kernel;
extern const GemmKernel kGemmF32Avx512Kernel;
extern const GemmKernel kGemmBf16Avx2Kernel;
extern const GemmKernel kGemmBf16Avx512Kernel;
extern const GemmKernel kGemmBf16AmxKernel;
extern const GemmKernel kGemmI8Avx2Kernel;
extern const GemmKernel kGemmI8Avx512VnniKernel;
extern const GemmKernel kGemmI8AmxKernel;
#endif
#if defined(CE_HAVE_ARM_KERNELS)
extern const GemmKernel kGemmF32NeonKernel;
extern const GemmKernel kGemmBf16NeonKernel;
extern const GemmKernel kGemmI8NeonDotKernel;
extern const GemmKernel kGemmI8NeonI8mmKernel;
#endif

}  // namespace ce
