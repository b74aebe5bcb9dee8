// A plain C++ model of the AMX tile instructions (SDM vol. 2: TILELOADD, TILESTORED, TILEZERO, TDPBF16PS,
// TDPBSSD) behind the AMX kernels' tile program, so the program's addressing of activations, packed panels and
// accumulators, and its row-tail handling, run and are checked on CPUs without AMX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "kernels/gemm_amx_program.h"
#include "kernels/gemm_convert.h"
#include "kernels/gemm_layout.h"

namespace ce::amx_model {

// Eight tiles of up to 16 x 64 bytes, as configured by amx::tile_config(rows0, rows1): a load reads and a store
// writes only the configured rows (a row past them is not part of the tile; it is kept zero here).
struct Tiles {
  uint8_t t[amx::kTileCount][amx::kRows][amx::kTileBytes];
  int rows[amx::kTileCount] = {};
  void configure(int rows0, int rows1) {
    const amx::TileConfig c = amx::tile_config(rows0, rows1);
    for (int i = 0; i < amx::kTileCount; ++i) rows[i] = c.rows[i];
    std::memset(t, 0, sizeof t);  // LDTILECFG zeroes every tile
  }
  void load(int tile, const void* p, size_t stride) {
    std::memset(t[tile], 0, sizeof t[tile]);
    for (int r = 0; r < rows[tile]; ++r)
      std::memcpy(t[tile][r], static_cast<const uint8_t*>(p) + r * stride, amx::kTileBytes);
  }
  void zero(int tile) { std::memset(t[tile], 0, sizeof t[tile]); }
  void store(int tile, void* p, size_t stride) {
    for (int r = 0; r < rows[tile]; ++r)
      std::memcpy(static_cast<uint8_t*>(p) + r * stride, t[tile][r], amx::kTileBytes);
  }
  template <class V>
  V get(int tile, int row, int i) const {
    V v;
    std::memcpy(&v, t[tile][row] + i * sizeof(V), sizeof v);
    return v;
  }
  template <class V>
  void put(int tile, int row, int i, V v) {
    std::memcpy(t[tile][row] + i * sizeof(V), &v, sizeof v);
  }
  // TDP* operate on the accumulator's configured rows, and require its A tile to have as many (#UD otherwise).
  int dot_rows(int c) const {
    if (rows[c] != rows[amx::a_of(c)] || rows[amx::b_of(c)] != amx::kRows) std::abort();
    return rows[c];
  }
};

// TDPBF16PS: C[m][n] += A[m].bf16[2k] * B[k].bf16[2n], then += A[m].bf16[2k+1] * B[k].bf16[2n+1], for k in order
// (each product exact in fp32; denormal flushing is not modelled: the tests' values are normal).
struct Bf16Tiles : Tiles {
  void dot(int c) {
    const int a = amx::a_of(c), b = amx::b_of(c), m_rows = dot_rows(c);
    float av[amx::kRows][32], bv[16][32];  // the operands widened once per instruction
    for (int m = 0; m < m_rows; ++m)
      for (int i = 0; i < 32; ++i) av[m][i] = float_from_bf16(get<uint16_t>(a, m, i));
    for (int k = 0; k < 16; ++k)
      for (int i = 0; i < 32; ++i) bv[k][i] = float_from_bf16(get<uint16_t>(b, k, i));
    for (int m = 0; m < m_rows; ++m)
      for (int n = 0; n < 16; ++n) {
        float sum = get<float>(c, m, n);
        for (int k = 0; k < 16; ++k)
          for (int i = 0; i < 2; ++i) sum += av[m][2 * k + i] * bv[k][2 * n + i];
        put<float>(c, m, n, sum);
      }
  }
};

// TDPBSSD: C[m][n] += sum over k, i < 4 of A[m].s8[4k+i] * B[k].s8[4n+i] (int32, wrapping).
struct Int8Tiles : Tiles {
  void dot(int c) {
    const int a = amx::a_of(c), b = amx::b_of(c), m_rows = dot_rows(c);
    for (int m = 0; m < m_rows; ++m)
      for (int n = 0; n < 16; ++n) {
        uint32_t sum = static_cast<uint32_t>(get<int32_t>(c, m, n));
        for (int k = 0; k < 16; ++k)
          for (int i = 0; i < 4; ++i)
            sum += static_cast<uint32_t>(int32_t{static_cast<int8_t>(t[a][m][4 * k + i])} *
                                         static_cast<int8_t>(t[b][k][4 * n + i]));
        put<int32_t>(c, m, n, static_cast<int32_t>(sum));
      }
  }
};

inline void run_bf16(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc,
                     bool accumulate, int rows) {
  thread_local Bf16Tiles tiles;
  amx::run_program<Bf16Tiles, uint16_t, float>(tiles, a, lda, b0, b1, kc, acc, ldacc, accumulate, rows);
}

inline void run_int8(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc, size_t ldacc,
                     bool accumulate, int rows) {
  thread_local Int8Tiles tiles;
  amx::run_program<Int8Tiles, int8_t, int32_t>(tiles, a, lda, b0, b1, kc, acc, ldacc, accumulate, rows);
}

// The AMX kernels' table entries with the model in place of the tiles (same rows, panels, activation form).
inline const GemmKernel kBf16{.name = "amx-bf16 (tile model)", .isa = Isa::Portable, .format = WeightFormat::BF16,
                              .mr = amx::kBlockRows, .panels = 2, .run_converted = run_bf16,
                              .k_block = amx::kWholeK};
inline const GemmKernel kInt8{.name = "amx-int8 (tile model)", .isa = Isa::Portable, .format = WeightFormat::I8,
                              .mr = amx::kBlockRows, .panels = 2, .run_converted = run_int8,
                              .k_block = amx::kWholeK};

}  // namespace ce::amx_model
