// The real AMX tiles behind the tile program (gemm_amx_program.h): LDTILECFG once per thread, then TILELOADD /
// TILEZERO / TILESTORED and the format's dot product on the tile numbers the program names.
#pragma once

#include <immintrin.h>

#include <cstddef>

#define CE_AMX_TARGET_STRING "amx-tile,amx-bf16,amx-int8"
#define CE_AMX_PROGRAM_TARGET __attribute__((target(CE_AMX_TARGET_STRING)))
#include "kernels/gemm_amx_program.h"

namespace ce::amx {

// The tile configuration is per thread (XSAVE keeps it across context switches); this library's AMX kernels all
// use the one from tile_config(), so a thread loads it before its first tile instruction and never again.
CE_AMX_PROGRAM_TARGET inline void configure_this_thread() {
  thread_local bool configured = false;
  if (configured) return;
  static const TileConfig config = tile_config();
  _tile_loadconfig(&config);
  configured = true;
}

// Tile numbers must be immediates: each operation switches over the program's constant ones. GCC's tile
// intrinsics are asm statements that do not tell the compiler they read or write memory: the barriers keep the
// program's copies into (and out of) its padded buffers on the right side of the tile loads and stores.
#define CE_AMX_OP __attribute__((target(CE_AMX_TARGET_STRING), always_inline)) static inline
struct HardwareTiles {
  CE_AMX_OP void load(int tile, const void* p, size_t stride) {
    __asm__ volatile("" ::: "memory");
    switch (tile) {
      case kC0: _tile_loadd(0, p, stride); break;
      case kC1: _tile_loadd(1, p, stride); break;
      case kA: _tile_loadd(2, p, stride); break;
      case kB0: _tile_loadd(3, p, stride); break;
      default: _tile_loadd(4, p, stride); break;
    }
  }
  CE_AMX_OP void zero(int tile) {
    if (tile == kC0) {
      _tile_zero(0);
    } else {
      _tile_zero(1);
    }
  }
  CE_AMX_OP void store(int tile, void* p, size_t stride) {
    if (tile == kC0) {
      _tile_stored(0, p, stride);
    } else {
      _tile_stored(1, p, stride);
    }
    __asm__ volatile("" ::: "memory");
  }
};

struct Bf16Tiles : HardwareTiles {
  CE_AMX_OP void dot(int c, int) {  // C += A x B (TDPBF16PS: bf16 pairs, fp32 sums)
    if (c == kC0) {
      _tile_dpbf16ps(0, 2, 3);
    } else {
      _tile_dpbf16ps(1, 2, 4);
    }
  }
};

struct Int8Tiles : HardwareTiles {
  CE_AMX_OP void dot(int c, int) {  // C += A x B (TDPBSSD: signed x signed int8 groups of four, int32 sums)
    if (c == kC0) {
      _tile_dpbssd(0, 2, 3);
    } else {
      _tile_dpbssd(1, 2, 4);
    }
  }
};
#undef CE_AMX_OP

}  // namespace ce::amx
