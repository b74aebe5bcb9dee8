// Packed-weight layout shared by pack_linear and the GEMM micro-kernel (panels of kGemmNR output columns).
#pragma once

#include <cstddef>

namespace ce {

// Output columns per packed panel: 16 floats = one AVX-512 vector or two AVX2 vectors.
inline constexpr int kGemmNR = 16;
// Rows per micro-kernel call: 6 x 16 accumulators fit AVX2's 16 registers with room for loads.
inline constexpr int kGemmMR = 6;

// Panel p holds W[p*NR + j][k] at packed[(p * K + k) * NR + j]; columns past out_features are zero.
inline size_t gemm_panel_count(int out_features) { return (static_cast<size_t>(out_features) + kGemmNR - 1) / kGemmNR; }

// acc[r][j] = sum over k (in increasing order) of x[r*ldx + k] * panel[k*NR + j], for kGemmMR rows.
// The one instruction sequence every output element goes through, whatever the call's shape or threads.
void gemm_microkernel(const float* x, size_t ldx, const float* panel, int k, float* acc);

}  // namespace ce
