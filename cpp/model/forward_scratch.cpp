// The per-model pool of forward-pass scratch.
#include "model/forward_scratch.h"

namespace ce {

std::unique_ptr<ForwardScratch> ScratchPool::take() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      std::unique_ptr<ForwardScratch> s = std::move(free_.back());
      free_.pop_back();
      return s;
    }
  }
  return std::make_unique<ForwardScratch>();
}

void ScratchPool::give_back(std::unique_ptr<ForwardScratch> scratch) const {
  if (scratch == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(scratch));
}

}  // namespace ce
