// CE_NEON_TARGET(ext): the function attribute enabling one optional AArch64 extension (bf16, dotprod, i8mm) for a
// kernel, spelled as each compiler wants it (GCC: the arch arm_neon.h declares those intrinsics under, else
// inlining them fails); the binary stays baseline ARMv8-A and the CPU is probed at run time.
#pragma once

#if defined(__clang__)
#define CE_NEON_TARGET(ext) __attribute__((target(#ext)))
#else
#define CE_NEON_TARGET(ext) __attribute__((target("arch=armv8.2-a+" #ext)))
#endif
