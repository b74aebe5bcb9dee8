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

// Panel p holds W[p*NR + j][k] at element (p * K + k) * NR + j of the packed weights, in the layer's format
// (so the k step k0 of panel p starts at byte (p * K + k0) * NR * bytes_per_element); columns past
// out_features are zero.
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

struct GemmKernel {
  Isa isa;
  WeightFormat format;  // of the packed weights it reads
  int mr;               // rows per call
  int panels;           // 1 or 2: weight panels (16 columns each) the kernel can take per call
  GemmMicroKernel run;
  GemmDirectMicroKernel run_direct = nullptr;  // optional; when set, the driver does not pack activations
  CpuFeatures needs{};  // capabilities beyond the ISA level it executes (avx512_bf16 for a bf16 dot product)
};

// Kernels compiled into this binary; each lives in its own file (gemm_<format>_<isa>.cpp) built for its ISA,
// and is listed in the kernel table (gemm_kernel_table.cpp).
extern const GemmKernel kGemmF32PortableKernel;
#if defined(CE_HAVE_X86_KERNELS)
extern const GemmKernel kGemmF32Avx2Kernel;
extern const GemmKernel kGemmF32Avx512Kernel;
#endif
#if defined(CE_HAVE_ARM_KERNELS)
extern const GemmKernel kGemmF32NeonKernel;
#endif

}  // namespace ce
