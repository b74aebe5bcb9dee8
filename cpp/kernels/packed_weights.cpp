// PackedWeights: allocation (aligned, zeroed, huge pages advised) and the format check of the typed views.
#include "kernels/packed_weights.h"

#include <cstring>
#include <new>
#include <string>

#include "common/error.h"
#include "common/huge_pages.h"

namespace ce {

void PackedWeights::AlignedFree::operator()(void* p) const { ::operator delete(p, std::align_val_t{kAlignment}); }

PackedWeights::PackedWeights(WeightFormat format, size_t bytes) : format_(format), size_(bytes) {
  weight_format_traits(format);  // throws for a value outside the enumeration
  if (bytes == 0) return;
  data_.reset(::operator new(bytes, std::align_val_t{kAlignment}));
  advise_huge_pages(data_.get(), bytes);
  std::memset(data_.get(), 0, bytes);
}

void PackedWeights::throw_wrong_view(WeightFormat want) const {
  throw Error(ErrorCode::Internal, std::string("packed weights are ") +
                                       (data_ == nullptr ? "empty" : weight_format_name(format_)) + ", read as " +
                                       weight_format_name(want));
}

}  // namespace ce
