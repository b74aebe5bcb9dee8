// The AMX micro-kernel's tile program, written once over a tile policy: the real tiles (x86/gemm_*_amx.cpp) or a
// plain C++ model of the SDM's instruction semantics (the tests), so the addressing and tail handling that the
// hardware kernel runs are executed and checked on every CPU, with or without AMX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_layout.h"

// The hardware kernel's file defines this as its target attribute before including this header, so the tile
// operations (always-inline, AMX-targeted) inline into the program; elsewhere it is empty.
#ifndef CE_AMX_PROGRAM_TARGET
#define CE_AMX_PROGRAM_TARGET
#endif

namespace ce::amx {

// 16 rows x 32 columns per call (two weight panels) in two accumulator tiles; every tile is 16 rows x 64 bytes
// (palette 1's maximum): A = 16 activation rows x 32 bf16 / 64 int8 values of k (row stride lda), B = 16 panel
// rows of 64 bytes (one per k pair / group, stride 64: the packed layout as it is), C = 16 x 16 fp32 / int32.
inline constexpr int kRows = 16;
inline constexpr size_t kTileBytes = 64;
inline constexpr size_t kPanelStepBytes = 16 * kTileBytes;  // one A tile's worth of k in a panel: 16 panel rows

// Tile numbers the policy's operations refer to.
enum Tile { kC0 = 0, kC1 = 1, kA = 2, kB0 = 3, kB1 = 4 };

// The 64-byte LDTILECFG operand (SDM vol. 2, LDTILECFG: palette, start row, 14 reserved bytes, bytes per row of
// tiles 0-15 at byte 16, rows of tiles 0-15 at byte 48): palette 1, every tile used here 16 x 64 bytes.
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64, "LDTILECFG reads 64 bytes");

inline TileConfig tile_config() {
  TileConfig c;
  for (int t : {kC0, kC1, kA, kB0, kB1}) {
    c.colsb[t] = kTileBytes;
    c.rows[t] = kRows;
  }
  return c;
}

// kc values of k (a multiple of 64) for `rows` (1..16) rows and one or two panels, the GemmConvertedMicroKernel
// contract. Tiles: T::load(tile, ptr, stride), T::zero(tile), T::store(tile, ptr, stride), T::dot(c, b) (c += A x
// b, the format's TDP instruction). Fewer than 16 rows go through zero-padded copies (rows past `rows` may not
// exist in memory, and a tile row is computed from its own A row only, so padding never reaches a real row).
template <class T, class Elem, class Acc>
CE_AMX_PROGRAM_TARGET void run_program(T& tiles, const void* a_in, size_t lda, const void* b0, const void* b1, int kc, void* acc_in,
                 size_t ldacc, bool accumulate, int rows) {
  constexpr size_t kValuesPerStep = kTileBytes / sizeof(Elem);  // k values in one A tile row
  const auto* a = static_cast<const Elem*>(a_in);
  auto* acc = static_cast<Acc*>(acc_in);
  const int panels = b1 != nullptr ? 2 : 1;
  thread_local Elem a_pad[kRows * kGemmKBlock];
  thread_local Acc c_pad[kRows * 32];
  size_t a_stride = lda * sizeof(Elem);
  Acc* c = acc;
  size_t c_stride = ldacc * sizeof(Acc);
  if (rows < kRows) {
    std::memset(a_pad, 0, sizeof a_pad);
    for (int r = 0; r < rows; ++r) std::memcpy(a_pad + r * kGemmKBlock, a + r * lda, kc * sizeof(Elem));
    a = a_pad;
    a_stride = kGemmKBlock * sizeof(Elem);
    std::memset(c_pad, 0, sizeof c_pad);
    if (accumulate)
      for (int r = 0; r < rows; ++r) std::memcpy(c_pad + r * 32, acc + r * ldacc, 16 * panels * sizeof(Acc));
    c = c_pad;
    c_stride = 32 * sizeof(Acc);
  }
  if (accumulate) {
    tiles.load(kC0, c, c_stride);
    if (panels == 2) tiles.load(kC1, c + 16, c_stride);
  } else {
    tiles.zero(kC0);
    if (panels == 2) tiles.zero(kC1);
  }
  const auto* w0 = static_cast<const std::byte*>(b0);
  const auto* w1 = static_cast<const std::byte*>(b1);
  for (size_t step = 0; step * kValuesPerStep < static_cast<size_t>(kc); ++step) {
    tiles.load(kA, a + step * kValuesPerStep, a_stride);
    tiles.load(kB0, w0 + step * kPanelStepBytes, kTileBytes);
    tiles.dot(kC0, kB0);
    if (panels == 2) {
      tiles.load(kB1, w1 + step * kPanelStepBytes, kTileBytes);
      tiles.dot(kC1, kB1);
    }
  }
  tiles.store(kC0, c, c_stride);
  if (panels == 2) tiles.store(kC1, c + 16, c_stride);
  if (c == c_pad)
    for (int r = 0; r < rows; ++r) std::memcpy(acc + r * ldacc, c_pad + r * 32, 16 * panels * sizeof(Acc));
}

}  // namespace ce::amx
