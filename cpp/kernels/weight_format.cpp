// The weight format traits table, built from CE_WEIGHT_FORMATS.
#include "kernels/weight_format.h"

#include <string>

#include "common/error.h"

namespace ce {
namespace {

constexpr WeightFormatTraits kTraits[kWeightFormatCount] = {
#define CE_WEIGHT_FORMAT_TRAITS(name, text, bytes, scales) {WeightFormat::name, text, bytes, scales},
    CE_WEIGHT_FORMATS(CE_WEIGHT_FORMAT_TRAITS)
#undef CE_WEIGHT_FORMAT_TRAITS
};

}  // namespace

const WeightFormatTraits& weight_format_traits(WeightFormat format) {
  const auto i = static_cast<size_t>(format);
  if (i < kWeightFormatCount) return kTraits[i];
  std::string known;
  for (const WeightFormatTraits& t : kTraits) known += (known.empty() ? "" : ", ") + std::string(t.name);
  throw Error(ErrorCode::InvalidArgument,
              "unknown weight format " + std::to_string(static_cast<int>(format)) + " (known: " + known + ")");
}

const char* weight_format_name(WeightFormat format) {
  const auto i = static_cast<size_t>(format);
  return i < kWeightFormatCount ? kTraits[i].name : "unknown";
}

}  // namespace ce
