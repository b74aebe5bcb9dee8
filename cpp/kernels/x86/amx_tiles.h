// The real AMX tiles behind the tile program (gemm_amx_program.h): LDTILECFG when a thread's row split changes,
// then TILELOADD / TILEZERO / TILESTORED and the format's dot product on the tile numbers the program names.
#pragma once

#include <immintrin.h>

#include <cstddef>

#define CE_AMX_TARGET_STRING "amx-tile,amx-bf16,amx-int8"
#define CE_AMX_PROGRAM_TARGET __attribute__((target(CE_AMX_TARGET_STRING)))
#include "kernels/gemm_amx_program.h"

namespace ce::amx {

// The tile configuration is per thread (XSAVE keeps it across context switches). Every AMX user in this library
// configures through here, so the thread-local record of what is loaded is the truth: a full-height call after a
// full-height call loads nothing, and a row tail costs one LDTILECFG there and one back.
CE_AMX_PROGRAM_TARGET inline void configure_this_thread(int rows0 = kRows, int rows1 = kRows) {
  thread_local int loaded = -1;
  const int want = rows0 * 32 + rows1;
  if (loaded == want) return;
  const TileConfig config = tile_config(rows0, rows1);
  // GCC's _tile_loadconfig tells the compiler it reads 8 bytes at the address, not 64: without this barrier an
  // out-of-line copy of this function (bench/gemm_precision_bench.cpp's, once it had three callers) dropped the
  // stores of the rows and widths as dead, loaded a configuration with no rows, and the first TILELOADD raised
  // SIGILL.
  __asm__ volatile("" : : "m"(config) : "memory");
  _tile_loadconfig(&config);
  loaded = want;
}

// Tile numbers must be literal immediates (the intrinsics paste them into the instruction text): each operation
// switches over the program's Tile constants, which static_asserts tie to the literals below. GCC's tile
// intrinsics are asm statements that do not tell the compiler they read or write memory: the barriers keep
// the program's reads of the accumulators (after a store) on the right side of the tile stores.
static_assert(kC00 == 0 && kC01 == 1 && kC10 == 2 && kC11 == 3 && kA0 == 4 && kA1 == 5 && kB0 == 6 && kB1 == 7,
              "the literals below are these tile numbers");
#define CE_AMX_OP __attribute__((target(CE_AMX_TARGET_STRING), always_inline)) static inline
struct HardwareTiles {
  CE_AMX_OP void configure(int rows0, int rows1) { configure_this_thread(rows0, rows1); }
  CE_AMX_OP void load(int tile, const void* p, size_t stride) {
    __asm__ volatile("" ::: "memory");
    switch (tile) {
      case kC00: _tile_loadd(0, p, stride); break;
      case kC01: _tile_loadd(1, p, stride); break;
      case kC10: _tile_loadd(2, p, stride); break;
      case kC11: _tile_loadd(3, p, stride); break;
      case kA0: _tile_loadd(4, p, stride); break;
      case kA1: _tile_loadd(5, p, stride); break;
      case kB0: _tile_loadd(6, p, stride); break;
      default: _tile_loadd(7, p, stride); break;
    }
  }
  CE_AMX_OP void zero(int tile) {
    switch (tile) {
      case kC00: _tile_zero(0); break;
      case kC01: _tile_zero(1); break;
      case kC10: _tile_zero(2); break;
      default: _tile_zero(3); break;
    }
  }
  CE_AMX_OP void store(int tile, void* p, size_t stride) {
    switch (tile) {
      case kC00: _tile_stored(0, p, stride); break;
      case kC01: _tile_stored(1, p, stride); break;
      case kC10: _tile_stored(2, p, stride); break;
      default: _tile_stored(3, p, stride); break;
    }
    __asm__ volatile("" ::: "memory");
  }
};

struct Bf16Tiles : HardwareTiles {
  CE_AMX_OP void dot(int c) {  // C += A x B (TDPBF16PS: bf16 pairs, fp32 sums)
    switch (c) {
      case kC00: _tile_dpbf16ps(0, 4, 6); break;
      case kC01: _tile_dpbf16ps(1, 4, 7); break;
      case kC10: _tile_dpbf16ps(2, 5, 6); break;
      default: _tile_dpbf16ps(3, 5, 7); break;
    }
  }
};

struct Int8Tiles : HardwareTiles {
  CE_AMX_OP void dot(int c) {  // C += A x B (TDPBSSD: signed x signed int8 groups of four, int32 sums)
    switch (c) {
      case kC00: _tile_dpbssd(0, 4, 6); break;
      case kC01: _tile_dpbssd(1, 4, 7); break;
      case kC10: _tile_dpbssd(2, 5, 6); break;
      default: _tile_dpbssd(3, 5, 7); break;
    }
  }
};
#undef CE_AMX_OP

}  // namespace ce::amx
