// Runs a loader's independent parts (layers, embeddings, head) on a pool and rethrows the first failing part's
// error in part order, so the message a user sees does not depend on thread scheduling.
#pragma once

#include <cstddef>
#include <exception>
#include <vector>

#include "runtime/thread_pool.h"

namespace ce {

template <typename LoadPart>
void load_parts_in_parallel(size_t parts, ThreadPool* pool, LoadPart&& load_part) {
  std::vector<std::exception_ptr> errors(parts);
  auto body = [&](size_t begin, size_t end) {
    for (size_t part = begin; part < end; ++part) {
      try {
        load_part(part);
      } catch (...) {
        errors[part] = std::current_exception();
      }
    }
  };
  if (pool == nullptr || pool->size() <= 1) {
    body(0, parts);
  } else {
    pool->parallel_for(parts, 1, body);
  }
  for (const std::exception_ptr& err : errors)
    if (err) std::rethrow_exception(err);
}

}  // namespace ce
