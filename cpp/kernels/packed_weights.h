// Storage of a layer's packed weights: an aligned byte buffer tagged with its WeightFormat, read through typed views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/weight_format.h"

namespace ce {

class PackedWeights {
 public:
  // Cache-line alignment: no vector load of a panel row straddles two lines (and AMX tile loads want 64 B).
  static constexpr size_t kAlignment = 64;

  PackedWeights() = default;  // empty: nothing packed
  // `bytes` zero bytes (so panel padding reads as zero in every format), with transparent huge pages advised
  // before the first touch: a model's weights are ~90 MB, ~23k page faults at 4 KiB.
  PackedWeights(WeightFormat format, size_t bytes);

  WeightFormat format() const { return format_; }
  size_t size_bytes() const { return size_; }
  bool empty() const { return size_ == 0; }
  const void* data() const { return data_.get(); }
  void* data() { return data_.get(); }

  // Typed views: ce::Error(Internal) when the weights are stored in another format (a kernel or packer was
  // handed a layer it was not written for).
  const float* f32() const { return static_cast<const float*>(view(WeightFormat::F32)); }
  float* f32() { return static_cast<float*>(const_cast<void*>(view(WeightFormat::F32))); }
  // bfloat16 bit patterns (the upper half of an fp32).
  const uint16_t* bf16() const { return static_cast<const uint16_t*>(view(WeightFormat::BF16)); }
  uint16_t* bf16() { return static_cast<uint16_t*>(const_cast<void*>(view(WeightFormat::BF16))); }
  const int8_t* i8() const { return static_cast<const int8_t*>(view(WeightFormat::I8)); }
  int8_t* i8() { return static_cast<int8_t*>(const_cast<void*>(view(WeightFormat::I8))); }

 private:
  struct AlignedFree {
    void operator()(void* p) const;
  };
  const void* view(WeightFormat want) const {
    if (format_ != want || data_ == nullptr) throw_wrong_view(want);
    return data_.get();
  }
  [[noreturn]] void throw_wrong_view(WeightFormat want) const;

  WeightFormat format_ = WeightFormat::F32;
  size_t size_ = 0;
  std::unique_ptr<void, AlignedFree> data_;
};

}  // namespace ce
