// Cache-line aligned storage for the buffers the kernels stream through: activation rows, converted GEMM inputs,
// tile accumulators, attention scratch.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace ce {

// A 64-byte AMX tile row, or a 64-byte vector load, that straddles two cache lines costs two. malloc aligns to 16
// bytes, so every row of a buffer whose row length is a multiple of 64 bytes straddled: measured on a Xeon with AMX,
// the bf16 tile program at MiniLM's shapes ran at 1355 GFLOP/s with its activation tiles 16 bytes off a line and
// at 1772 on lines.
inline constexpr size_t kCacheLine = 64;

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kCacheLine})); }
  void deallocate(T* p, size_t) noexcept { ::operator delete(p, std::align_val_t{kCacheLine}); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept { return true; }
};

// std::vector whose data() is 64-byte aligned.
template <class T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace ce
