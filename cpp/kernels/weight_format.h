// Element formats a Linear layer's packed weights may be stored in, and what each one's storage holds.
#pragma once

#include <cstddef>

namespace ce {

// The one list of weight formats: enumerator, name, bytes per packed element, and whether the layer carries
// one fp32 scale per output channel (quantised formats). Formats are a dimension of the kernel table
// (gemm_kernels.h), as ggml's element types are.
//   F32:  the checkpoint's values (after F16/BF16 -> fp32 widening at load).
//   BF16: weights rounded to bfloat16 (RNE) at load; activations rounded to bf16 at the GEMM input, fp32 sums.
//   I8:   weights quantised per output channel (symmetric: scale = max|w|/127, RNE, one fp32 scale per channel);
//         activations quantised per row at the GEMM input (scale = max|x|/127), exact int32 sums, dequantised
//         with row scale x channel scale.
#define CE_WEIGHT_FORMATS(X)   \
  X(F32, "f32", 4, false)      \
  X(BF16, "bf16", 2, false)    \
  X(I8, "i8", 1, true)

enum class WeightFormat {
#define CE_WEIGHT_FORMAT_ENUMERATOR(name, text, bytes, scales) name,
  CE_WEIGHT_FORMATS(CE_WEIGHT_FORMAT_ENUMERATOR)
#undef CE_WEIGHT_FORMAT_ENUMERATOR
};

inline constexpr size_t kWeightFormatCount = 0
#define CE_WEIGHT_FORMAT_COUNT(name, text, bytes, scales) +1
    CE_WEIGHT_FORMATS(CE_WEIGHT_FORMAT_COUNT)
#undef CE_WEIGHT_FORMAT_COUNT
    ;

struct WeightFormatTraits {
  WeightFormat format;
  const char* name;          // "f32", "bf16", "i8"
  size_t bytes_per_element;  // of the packed weights
  bool channel_scales;       // carries one fp32 scale per output channel
};

// Throws ce::Error(InvalidArgument) for a value outside the enumeration (an unchecked cast).
const WeightFormatTraits& weight_format_traits(WeightFormat format);
const char* weight_format_name(WeightFormat format);  // "f32"; "unknown" outside the enumeration

}  // namespace ce
