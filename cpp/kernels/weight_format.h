// Element formats a Linear layer's packed weights may be stored in, and what each one's storage holds.
#pragma once

#include <cstddef>

namespace ce {

// The one list of weight formats: enumerator, name, bytes per packed element, and whether the layer carries
// one fp32 scale per output channel (quantised formats). Formats are a dimension of the kernel table
// (gemm_kernels.h), as ggml's element types are; BF16 and I8 come next.
#define CE_WEIGHT_FORMATS(X) \
  X(F32, "f32", 4, false)

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
  const char* name;          // "f32"
  size_t bytes_per_element;  // of the packed weights
  bool channel_scales;       // carries one fp32 scale per output channel
};

// Throws ce::Error(InvalidArgument) for a value outside the enumeration (an unchecked cast).
const WeightFormatTraits& weight_format_traits(WeightFormat format);
const char* weight_format_name(WeightFormat format);  // "f32"; "unknown" outside the enumeration

}  // namespace ce
