// AMX-BF16 GEMM micro-kernel (Sapphire Rapids and later): up to 32 rows x 32 columns per call in 2 x 2 tiles,
// over the whole k range, TDPBF16PS on bf16 activation tiles and the packed panels read as tiles in place.
// Chosen only when the OS granted tile data.
#include <cstdint>

#include "kernels/x86/amx_tiles.h"

namespace ce {
namespace {

CE_AMX_PROGRAM_TARGET void run(const void* a, size_t lda, const void* b0, const void* b1, int kc, void* acc,
                               size_t ldacc, bool accumulate, int rows) {
  amx::Bf16Tiles tiles;
  amx::run_program<amx::Bf16Tiles, uint16_t, float>(tiles, a, lda, b0, b1, kc, acc, ldacc, accumulate, rows);
}

constexpr CpuFeatures needs() {
  CpuFeatures f;
  f.capabilities = (1u << static_cast<unsigned>(CpuCapability::AmxTile)) |
                   (1u << static_cast<unsigned>(CpuCapability::AmxBf16));
  return f;
}

}  // namespace

const GemmKernel kGemmBf16AmxKernel{.name = "amx-bf16", .isa = Isa::Avx512, .format = WeightFormat::BF16,
                                    .mr = amx::kBlockRows, .panels = 2, .run_converted = run,
                                    .k_block = amx::kWholeK, .needs = needs()};

}  // namespace ce
