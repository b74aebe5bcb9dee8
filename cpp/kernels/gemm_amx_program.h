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

// Up to 32 rows x 32 columns per call in four accumulator tiles, 2 x 2: two activation tiles (rows 0-15, 16-31)
// times two weight tiles (panels 0 and 1). Each TDP's accumulator then has three others to overlap with (one
// TDP is ~16 cycles of throughput but several times that of latency, and tiles are not renamed), and every tile
// loaded feeds two TDPs. With one activation tile and two accumulators, as before, the measured kernel reached
// 8-20% of the AMX peak (tools/device/amx-check.sh). Every tile is 16 rows x 64 bytes (palette 1's maximum):
// A = 16 activation rows x 32 bf16 / 64 int8 values of k (row stride lda), B = 16 panel rows of 64 bytes (one per
// k pair / group, stride 64: the packed layout as it is), C = 16 x 16 fp32 / int32.
inline constexpr int kRows = 16;            // rows of one tile
inline constexpr int kRowsPerCall = 2 * kRows;  // the kernel's mr
inline constexpr size_t kTileBytes = 64;
inline constexpr size_t kPanelStepBytes = 16 * kTileBytes;  // one A tile's worth of k in a panel: 16 panel rows

// Tile numbers the policy's operations refer to: accumulator C<row half><panel>, activations A<row half>,
// weights B<panel>. All eight of palette 1's tiles.
enum Tile { kC00 = 0, kC01 = 1, kC10 = 2, kC11 = 3, kA0 = 4, kA1 = 5, kB0 = 6, kB1 = 7 };
inline constexpr int kTileCount = 8;

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
  for (int t = 0; t < kTileCount; ++t) {
    c.colsb[t] = kTileBytes;
    c.rows[t] = kRows;
  }
  return c;
}

// kc values of k (a multiple of 64) for `rows` (1..32) rows and one or two panels, the GemmConvertedMicroKernel
// contract. Tiles: T::load(tile, ptr, stride), T::zero(tile), T::store(tile, ptr, stride), T::dot(c, a, b)
// (c += a x b, the format's TDP instruction). Up to 16 rows use the first row half only. A partial half goes
// through zero-padded copies (rows past `rows` may not exist in memory, and a tile row is computed from its own
// A row only, so padding never reaches a real row).
template <class T, class Elem, class Acc>
CE_AMX_PROGRAM_TARGET void run_program(T& tiles, const void* a_in, size_t lda, const void* b0, const void* b1, int kc, void* acc_in,
                 size_t ldacc, bool accumulate, int rows) {
  constexpr size_t kValuesPerStep = kTileBytes / sizeof(Elem);  // k values in one A tile row
  const auto* a = static_cast<const Elem*>(a_in);
  auto* acc = static_cast<Acc*>(acc_in);
  const int panels = b1 != nullptr ? 2 : 1;
  const int halves = rows > kRows ? 2 : 1;
  const int padded_rows = halves * kRows;
  thread_local Elem a_pad[kRowsPerCall * kGemmKBlock];
  thread_local Acc c_pad[kRowsPerCall * 32];
  size_t a_stride = lda * sizeof(Elem);
  Acc* c = acc;
  size_t c_stride = ldacc * sizeof(Acc);
  size_t c_rows = ldacc;  // elements from one row of C to the next
  if (rows < padded_rows) {
    std::memset(a_pad, 0, padded_rows * kGemmKBlock * sizeof(Elem));
    for (int r = 0; r < rows; ++r) std::memcpy(a_pad + r * kGemmKBlock, a + r * lda, kc * sizeof(Elem));
    a = a_pad;
    a_stride = kGemmKBlock * sizeof(Elem);
    std::memset(c_pad, 0, padded_rows * 32 * sizeof(Acc));
    if (accumulate)
      for (int r = 0; r < rows; ++r) std::memcpy(c_pad + r * 32, acc + r * ldacc, 16 * panels * sizeof(Acc));
    c = c_pad;
    c_stride = 32 * sizeof(Acc);
    c_rows = 32;
  }
  Acc* const c_half1 = c + kRows * c_rows;
  const Elem* const a_half1 = reinterpret_cast<const Elem*>(reinterpret_cast<const std::byte*>(a) + kRows * a_stride);
  if (accumulate) {
    tiles.load(kC00, c, c_stride);
    if (panels == 2) tiles.load(kC01, c + 16, c_stride);
    if (halves == 2) {
      tiles.load(kC10, c_half1, c_stride);
      if (panels == 2) tiles.load(kC11, c_half1 + 16, c_stride);
    }
  } else {
    tiles.zero(kC00);
    if (panels == 2) tiles.zero(kC01);
    if (halves == 2) {
      tiles.zero(kC10);
      if (panels == 2) tiles.zero(kC11);
    }
  }
  const auto* w0 = static_cast<const std::byte*>(b0);
  const auto* w1 = static_cast<const std::byte*>(b1);
  for (size_t step = 0; step * kValuesPerStep < static_cast<size_t>(kc); ++step) {
    tiles.load(kA0, a + step * kValuesPerStep, a_stride);
    tiles.load(kB0, w0 + step * kPanelStepBytes, kTileBytes);
    if (panels == 2) tiles.load(kB1, w1 + step * kPanelStepBytes, kTileBytes);
    if (halves == 2) tiles.load(kA1, a_half1 + step * kValuesPerStep, a_stride);
    tiles.dot(kC00, kA0, kB0);
    if (panels == 2) tiles.dot(kC01, kA0, kB1);
    if (halves == 2) {
      tiles.dot(kC10, kA1, kB0);
      if (panels == 2) tiles.dot(kC11, kA1, kB1);
    }
  }
  tiles.store(kC00, c, c_stride);
  if (panels == 2) tiles.store(kC01, c + 16, c_stride);
  if (halves == 2) {
    tiles.store(kC10, c_half1, c_stride);
    if (panels == 2) tiles.store(kC11, c_half1 + 16, c_stride);
  }
  if (c == c_pad)
    for (int r = 0; r < rows; ++r) std::memcpy(acc + r * ldacc, c_pad + r * 32, 16 * panels * sizeof(Acc));
}

}  // namespace ce::amx
