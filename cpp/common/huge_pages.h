// Reserving large weight buffers so that the kernel may back them with transparent huge pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ce {

// Reserves capacity for `n` elements (no construction) and asks for transparent huge pages on the whole 2 MiB
// blocks inside it (madvise(MADV_HUGEPAGE), Linux; elsewhere, or when THP is off, only the reserve happens).
// Loading a model first-touches ~90 MB: with 4 KiB pages that is ~23k page faults, a third of the load time.
// Call on an empty vector, before filling it.
void reserve_huge(std::vector<float>& v, size_t n);

// The same advice for `bytes` of memory at `data` that nothing has touched yet (the whole 2 MiB blocks inside).
void advise_huge_pages(void* data, size_t bytes);

}  // namespace ce
