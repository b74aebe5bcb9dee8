// The AMX micro-kernel's tile program, written once over a tile policy: the real tiles (x86/gemm_*_amx.cpp) or a
// plain C++ model of the SDM's instruction semantics (the tests), so the addressing and tail handling that the
// hardware kernel runs are executed and checked on every CPU, with or without AMX.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm_layout.h"

// The hardware kernel's file defines this as its target attribute before including this header, so the tile
// operations (always-inline, AMX-targeted) inline into the program; elsewhere it is empty.
#ifndef CE_AMX_PROGRAM_TARGET
#define CE_AMX_PROGRAM_TARGET
#endif

namespace ce::amx {

// Up to 32 rows x 32 columns per call (two weight panels) in four accumulator tiles, 2 x 2: each k step loads
// two A tiles and two B tiles for four dot products, so the tile unit, not the loads, sets the pace (one A and
// two B loads per two dot products, the 16 x 32 shape this replaced, ran at a third of the unit's peak). Every
// tile is at most 16 rows x 64 bytes (palette 1's maximum): A = activation rows x 32 bf16 / 64 int8 values of k
// (row stride lda), B = 16 panel rows of 64 bytes (one per k pair / group, stride 64: the packed layout as it
// is), C = rows x 16 fp32 / int32. The whole k range runs in one call, so the sums never leave the tiles.
inline constexpr int kRows = 16;           // rows of one tile
inline constexpr int kBlockRows = 2 * kRows;  // rows per call: two A tiles
inline constexpr size_t kTileBytes = 64;
// The kernels' k block: deeper than any layer, so the driver makes one call per tile block over all of k and the
// sums stay in the tiles (the A and B tiles stream from L1/L2 whatever the depth; there is no staging to size).
inline constexpr int kWholeK = 1 << 20;
inline constexpr size_t kPanelStepBytes = 16 * kTileBytes;  // one A tile's worth of k in a panel: 16 panel rows

// Tile numbers the policy's operations refer to. C<i><j> accumulates A<i> x B<j>.
enum Tile { kC00 = 0, kC01 = 1, kC10 = 2, kC11 = 3, kA0 = 4, kA1 = 5, kB0 = 6, kB1 = 7 };
inline constexpr int kTileCount = 8;
// The operands of the dot product into accumulator c.
inline constexpr int a_of(int c) { return c == kC00 || c == kC01 ? kA0 : kA1; }
inline constexpr int b_of(int c) { return c == kC00 || c == kC10 ? kB0 : kB1; }

// The 64-byte LDTILECFG operand (SDM vol. 2, LDTILECFG: palette, start row, 14 reserved bytes, bytes per row of
// tiles 0-15 at byte 16, rows of tiles 0-15 at byte 48): palette 1, every tile 64 bytes wide. A row tail is a
// configuration, not a copy: A0 and its accumulators get rows0 rows, A1 and its accumulators rows1, so tile loads
// and stores touch exactly the rows that exist (TDP* require the A tile's rows to equal its accumulator's).
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64, "LDTILECFG reads 64 bytes");

// rows0: 1..16; rows1: 0..16 (0: the second row tiles are not used, and stay configured full).
inline TileConfig tile_config(int rows0, int rows1) {
  TileConfig c;
  for (int t = 0; t < kTileCount; ++t) {
    c.colsb[t] = kTileBytes;
    c.rows[t] = kRows;
  }
  for (int t : {kC00, kC01, kA0}) c.rows[t] = static_cast<uint8_t>(rows0);
  if (rows1 > 0)
    for (int t : {kC10, kC11, kA1}) c.rows[t] = static_cast<uint8_t>(rows1);
  return c;
}

namespace detail {

template <bool kTwoRowTiles, bool kTwoPanels, class T>
CE_AMX_PROGRAM_TARGET __attribute__((always_inline)) inline void run_steps(T& tiles, const std::byte* a0,
                                                                           const std::byte* a1, size_t a_stride,
                                                                           const std::byte* w0,
                                                                           const std::byte* w1, size_t steps) {
  for (size_t step = 0; step < steps; ++step) {
    tiles.load(kA0, a0 + step * kTileBytes, a_stride);
    tiles.load(kB0, w0 + step * kPanelStepBytes, kTileBytes);
    tiles.dot(kC00);
    if constexpr (kTwoPanels) {
      tiles.load(kB1, w1 + step * kPanelStepBytes, kTileBytes);
      tiles.dot(kC01);
    }
    if constexpr (kTwoRowTiles) {
      tiles.load(kA1, a1 + step * kTileBytes, a_stride);
      tiles.dot(kC10);
      if constexpr (kTwoPanels) tiles.dot(kC11);
    }
  }
}

}  // namespace detail

// kc values of k (a multiple of 64 bytes' worth) for `rows` (1..32) rows and one or two panels, the
// GemmConvertedMicroKernel contract. Tiles: T::configure(rows0, rows1), T::load(tile, ptr, stride), T::zero(tile),
// T::store(tile, ptr, stride), T::dot(c) (c += a_of(c) x b_of(c), the format's TDP instruction). Rows past `rows`
// are neither read nor written.
template <class T, class Elem, class Acc>
CE_AMX_PROGRAM_TARGET void run_program(T& tiles, const void* a_in, size_t lda, const void* b0, const void* b1,
                                       int kc, void* acc_in, size_t ldacc, bool accumulate, int rows) {
  const int rows0 = rows < kRows ? rows : kRows, rows1 = rows - rows0;
  tiles.configure(rows0, rows1);
  const auto* a0 = static_cast<const std::byte*>(a_in);
  const std::byte* a1 = a0 + kRows * lda * sizeof(Elem);
  const size_t a_stride = lda * sizeof(Elem), c_stride = ldacc * sizeof(Acc);
  auto* c = static_cast<Acc*>(acc_in);
  const bool two_panels = b1 != nullptr, two_row_tiles = rows1 > 0;
  // Accumulator tile -> its first element in acc.
  auto at = [&](int tile) {
    return c + (a_of(tile) == kA1 ? kRows * ldacc : 0) + (b_of(tile) == kB1 ? 16 : 0);
  };
  auto used = [&](int tile) { return (two_panels || b_of(tile) == kB0) && (two_row_tiles || a_of(tile) == kA0); };
  for (int t : {kC00, kC01, kC10, kC11}) {
    if (!used(t)) continue;
    if (accumulate) {
      tiles.load(t, at(t), c_stride);
    } else {
      tiles.zero(t);
    }
  }
  const auto* w0 = static_cast<const std::byte*>(b0);
  const auto* w1 = static_cast<const std::byte*>(b1);
  const size_t steps = static_cast<size_t>(kc) * sizeof(Elem) / kTileBytes;
  if (two_row_tiles) {
    if (two_panels) {
      detail::run_steps<true, true>(tiles, a0, a1, a_stride, w0, w1, steps);
    } else {
      detail::run_steps<true, false>(tiles, a0, a1, a_stride, w0, w1, steps);
    }
  } else if (two_panels) {
    detail::run_steps<false, true>(tiles, a0, a1, a_stride, w0, w1, steps);
  } else {
    detail::run_steps<false, false>(tiles, a0, a1, a_stride, w0, w1, steps);
  }
  for (int t : {kC00, kC01, kC10, kC11})
    if (used(t)) tiles.store(t, at(t), c_stride);
}

}  // namespace ce::amx
