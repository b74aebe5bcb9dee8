// Reusable activation buffers of forward passes, and the per-model pool that hands them to concurrent calls.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "common/aligned_vector.h"

namespace ce {

// One growable, uninitialised float buffer: vector::resize would zero-fill every pass, and a fresh vector per
// layer would page-fault its pages in again (for b32x128 that memset and those faults were ~5% of the time).
// Cache-line aligned (common/aligned_vector.h): rows of hidden states are whole 64-byte lines for the kernels.
struct ScratchBuffer {
  struct Free {
    size_t size;
    void operator()(float* p) const noexcept { CacheLineAllocator<float>().deallocate(p, size); }
  };
  std::unique_ptr<float, Free> data{nullptr, Free{0}};
  size_t size = 0;
  float* get(size_t n) {
    if (n > size) {
      data.reset();  // release first, so peak memory does not hold old and new together
      data = std::unique_ptr<float, Free>(CacheLineAllocator<float>().allocate(n), Free{n});
      size = n;
    }
    return data.get();
  }
};

// Activation buffers of forward passes, kept between the passes of one predict call so each pass does not
// allocate (and page-fault and zero) tens of MB again. A family's forward pass names its buffers by slot index.
// Grows to the largest pass it served; not thread-safe: one per concurrent caller. Buffers are uninitialised
// memory that every pass writes before reading.
class ForwardScratch {
 public:
  static constexpr size_t kSlots = 16;
  // A fixed set, so a reference to one slot stays valid while others are used (and swapped).
  ScratchBuffer& slot(size_t i) { return slots_.at(i); }

 private:
  std::array<ScratchBuffer, kSlots> slots_;
};

// Scratch kept between calls, so a caller's forward passes do not page-fault their activation buffers in again
// each call: take one per call (never shared by overlapping calls), give it back when done. Keeps at most one per
// call that ran at the same time, each as large as the largest pass it served. Thread-safe.
class ScratchPool {
 public:
  std::unique_ptr<ForwardScratch> take() const;
  void give_back(std::unique_ptr<ForwardScratch> scratch) const;

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<ForwardScratch>> free_;
};

}  // namespace ce
