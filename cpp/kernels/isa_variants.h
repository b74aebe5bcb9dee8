// CE_ISA_VARIANTS: one copy of a Vec16 loop per x86 ISA level, chosen at run time like the GEMM micro-kernel.
#pragma once

#include "runtime/cpu_features.h"

namespace ce {

// The ISA the vector loops (attention, the GEMM store epilogues, activations) run with: the GEMM's choice,
// requested_isa() (CPU detection, or CE_FORCE_ISA), read once. Throws like requested_isa() on a bad
// CE_FORCE_ISA; pack_linear calls it at load so a forward pass never does.
Isa vector_loop_isa();

}  // namespace ce

// The library is built for baseline x86-64 so one binary runs on any x86-64 CPU. A loop written on Vec16 goes
// in an always-inline function `name##_body` (no vector-typed parameters); CE_ISA_VARIANTS then defines three
// wrappers that inline it under target("avx512f"), target("avx2,fma") and the baseline, and `name` itself,
// which calls the one vector_loop_isa() picks. Vec16 code is lowered after inlining, so each wrapper gets its
// own ISA's instructions.
// Not target_clones: Zig's toolchain (which builds the published prebuilds) links a CPU-model resolver that
// picked the baseline copy on an AVX-512 machine, and Clang rejects passing a 64-byte vector by value between
// functions built for different ISAs. Elsewhere (arm64: NEON is the baseline) `name` calls the body directly.
// `params` and `args` are parenthesised lists: (const float* x, size_t n) and (x, n).
// CE_ISA_VARIANTS_PER_WIDTH(name, params, args, wide, narrow): the same for a body template whose register
// blocking depends on the vector width: the AVX-512 copy calls name##_body wide args (wide: template arguments,
// e.g. <8>) and the others (16-register AVX2 and SSE, NEON) name##_body narrow args.
#if defined(__x86_64__) || defined(_M_X64)
#define CE_ISA_VARIANTS_PER_WIDTH(name, params, args, wide, narrow)                             \
  __attribute__((target("avx512f"))) void name##_avx512 params { name##_body wide args; }      \
  __attribute__((target("avx2,fma"))) void name##_avx2 params { name##_body narrow args; }     \
  void name##_baseline params { name##_body narrow args; }                                      \
  void name params {                                                                           \
    const ::ce::Isa isa = ::ce::vector_loop_isa();                                             \
    if (isa == ::ce::Isa::Avx512) {                                                            \
      name##_avx512 args;                                                                      \
    } else if (isa == ::ce::Isa::Avx2) {                                                       \
      name##_avx2 args;                                                                        \
    } else {                                                                                   \
      name##_baseline args;                                                                    \
    }                                                                                          \
  }
#else
#define CE_ISA_VARIANTS_PER_WIDTH(name, params, args, wide, narrow) \
  void name params { name##_body narrow args; }
#endif
#define CE_ISA_VARIANTS(name, params, args) CE_ISA_VARIANTS_PER_WIDTH(name, params, args, , )
