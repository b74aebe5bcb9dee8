// The core's compute thread pool: `threads` threads in all, one of which runs submitted jobs in FIFO order;
// inside a job, parallel_for spreads chunks over every thread (the job thread included). Idle threads sleep.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ce {

// Number of physical cores (not hyper-threads) this process may use; at least 1.
int physical_core_count();

// CPUs a cgroup v2 quota file (cpu.max: "<quota> <period>" or "max <period>") allows: quota / period rounded up,
// at least 1; nullopt when unlimited, missing or unreadable.
std::optional<int> cgroup_cpu_limit(const std::string& cpu_max_path = "/sys/fs/cgroup/cpu.max");

// Size in bytes of the largest cache level that CPU 0 has (the last-level cache all cores share on one die),
// from Linux sysfs (macOS: hw.l3cachesize); nullopt where it cannot be read.
std::optional<size_t> last_level_cache_bytes();

// Default compute threads: physical cores among the CPUs this process may run on (the affinity mask, which is
// what os.availableParallelism() counts), capped by the container's CPU quota: a pool wider than the quota
// only gets its threads throttled mid-GEMM.
int default_thread_count();

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads >= 1; throws ce::Error(InvalidArgument) otherwise
  ~ThreadPool();                     // finishes queued jobs, then joins. Must not run on a pool thread.
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const;

  // Queue `job` to run on the pool's job thread. Returns at once. Exceptions escaping `job` are swallowed
  // (jobs are expected to catch and report their own).
  void submit(std::function<void()> job);

  // Calls body(begin, end) over disjoint chunks covering [0, n), chunks of `grain` items (>=1), on all
  // threads of the pool; the calling thread takes part. Blocks until done; rethrows the first exception.
  // May be called from a submitted job or from any non-pool thread (calls are serialised).
  void parallel_for(size_t n, size_t grain, const std::function<void(size_t begin, size_t end)>& body);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The process-wide pool of `threads` threads (0 = default_thread_count()): every model that asks for the same count
// shares it, so concurrent models queue their jobs on one set of threads instead of each starting its own (which
// oversubscribes the cores). Created on first use; destroyed (joined) when its last holder lets go, which must
// not be one of its own threads. Thread-safe.
std::shared_ptr<ThreadPool> shared_thread_pool(int threads);

}  // namespace ce
