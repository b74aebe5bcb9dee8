// reserve_huge: see huge_pages.h.
#include "common/huge_pages.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ce {

void reserve_huge(std::vector<float>& v, size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(float));
}

void advise_huge_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t lo = (begin + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t hi = (begin + bytes) & ~(kHuge - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // advisory: failure is harmless
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace ce
