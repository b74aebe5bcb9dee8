// ThreadPool: a FIFO job thread plus workers that share parallel_for chunks through an atomic counter.
#include "runtime/thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace ce {

namespace {

// Flush-to-zero and denormals-are-zero on the calling thread. Denormal operands can make float math tens of
// times slower on x86 (microcode assists) and only arise far below anything that matters for a reranker's
// scores: results differ only for magnitudes below ~1e-38. Set on pool threads only, once at thread start,
// so that the embedding application's own threads keep their floating-point mode.
void enable_flush_denormals() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_setcsr(_mm_getcsr() | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
#elif defined(__aarch64__)
  uint64_t fpcr;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
  fpcr |= (uint64_t{1} << 24);  // FZ: flush denormal inputs and outputs to zero
  __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
#endif
}

// A hint to the core while busy-waiting; lets the sibling hyper-thread run.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Bounded spin before sleeping: back-to-back parallel_for calls (one per GEMM in a forward pass) then reach
// workers that are still awake instead of paying a futex wake-up each, without burning a core once the pool
// is really idle. Bounded by time because the cost of one pause instruction varies ~10x across CPUs.
constexpr auto kSpinTime = std::chrono::microseconds(50);
// How long workers woken by a submitted job spin for its first parallel_for (see submit): the job thread wakes
// at the same time and usually reaches it within tens of microseconds.
constexpr auto kJobSpinTime = std::chrono::microseconds(500);
// Spins until `ready()` or `time` has passed; returns ready().
template <typename Ready>
bool spin_until(Ready ready, std::chrono::microseconds time = kSpinTime) {
  const auto deadline = std::chrono::steady_clock::now() + time;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return ready();
  }
}

// One parallel_for call. Shared with the workers so that a late worker touches only live atomics;
// `body` is called only for chunk indices below `chunks`, which the caller waits out before returning.
struct Task {
  const std::function<void(size_t, size_t)>* body = nullptr;
  size_t n = 0;
  size_t grain = 1;
  size_t chunks = 0;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::exception_ptr error;
};

}  // namespace

struct ThreadPool::State {
  int threads = 1;

  // Job queue, run FIFO by job_thread.
  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::deque<std::function<void()>> jobs;
  bool jobs_stop = false;
  std::thread job_thread;

  // parallel_for: `call_mu` admits one call at a time; `mu` guards `task` and pairs with the cvs.
  std::mutex call_mu;
  std::mutex mu;
  std::condition_variable work_cv;  // workers wait here for a new generation
  std::condition_variable done_cv;  // the caller waits here for the last chunk
  std::shared_ptr<Task> task;
  std::atomic<uint64_t> generation{0};
  // Bumped by submit(): wakes the sleeping workers along with the job thread (see submit).
  std::atomic<uint64_t> jobs_submitted{0};
  std::atomic<bool> workers_stop{false};
  std::vector<std::thread> workers;

  void job_loop();
  void worker_loop();
  void run_chunks(Task& t);
};

namespace {
// The pool whose parallel_for body this thread is executing, if any: a nested parallel_for on the same pool
// then runs inline, because waiting for the pool's threads from inside one of its chunks would deadlock.
// (void* because State is private to ThreadPool.)
thread_local const void* tls_in_body_of = nullptr;
}  // namespace

void ThreadPool::State::run_chunks(Task& t) {
  const void* saved = tls_in_body_of;
  tls_in_body_of = this;
  size_t completed = 0;
  for (;;) {
    const size_t c = t.next.fetch_add(1, std::memory_order_relaxed);
    if (c >= t.chunks) break;
    // After a failure the remaining chunks are skipped but still counted, so the caller can finish.
    if (!t.failed.load(std::memory_order_relaxed)) {
      const size_t begin = c * t.grain;
      const size_t end = t.n - begin < t.grain ? t.n : begin + t.grain;
      try {
        (*t.body)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(t.error_mu);
        if (!t.error) t.error = std::current_exception();
        t.failed.store(true, std::memory_order_relaxed);
      }
    }
    ++completed;
  }
  tls_in_body_of = saved;
  if (completed == 0) return;
  // acq_rel: the body's writes happen-before the caller's acquire load of `done` reaching `chunks`.
  if (t.done.fetch_add(completed, std::memory_order_acq_rel) + completed == t.chunks) {
    std::lock_guard<std::mutex> lock(mu);  // pairs with the caller's predicate check: no lost wake-up
    done_cv.notify_all();
  }
}

void ThreadPool::State::worker_loop() {
  enable_flush_denormals();
  uint64_t seen = 0, seen_jobs = 0;
  auto new_work = [&] {
    return generation.load(std::memory_order_acquire) != seen || workers_stop.load(std::memory_order_relaxed);
  };
  for (;;) {
    spin_until(new_work);
    std::shared_ptr<Task> t;
    {
      std::unique_lock<std::mutex> lock(mu);
      work_cv.wait(lock, [&] { return new_work() || jobs_submitted.load(std::memory_order_relaxed) != seen_jobs; });
      if (workers_stop.load(std::memory_order_relaxed)) return;
      seen_jobs = jobs_submitted.load(std::memory_order_relaxed);
      if (generation.load(std::memory_order_relaxed) == seen) {
        // Woken by a submitted job: wait awake for its first parallel_for, then sleep again if none came.
        lock.unlock();
        if (!spin_until(new_work, kJobSpinTime)) continue;
        lock.lock();
        if (workers_stop.load(std::memory_order_relaxed)) return;
      }
      seen = generation.load(std::memory_order_relaxed);
      t = task;
    }
    if (t) run_chunks(*t);
  }
}

void ThreadPool::State::job_loop() {
  enable_flush_denormals();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(jobs_mu);
      jobs_cv.wait(lock, [&] { return !jobs.empty() || jobs_stop; });
      if (jobs.empty()) return;  // stopping and drained
      job = std::move(jobs.front());
      jobs.pop_front();
    }
    try {
      job();
    } catch (...) {
      // Documented: jobs report their own errors; one escaping must not kill the job thread.
    }
  }
}

ThreadPool::ThreadPool(int threads) : state_(std::make_unique<State>()) {
  if (threads < 1) {
    throw Error(ErrorCode::InvalidArgument,
                "ThreadPool: threads must be >= 1, got " + std::to_string(threads));
  }
  State* s = state_.get();
  s->threads = threads;
  try {
    s->workers.reserve(static_cast<size_t>(threads - 1));
    for (int i = 0; i < threads - 1; ++i) s->workers.emplace_back([s] { s->worker_loop(); });
    s->job_thread = std::thread([s] { s->job_loop(); });
  } catch (const std::system_error& e) {
    // Could not start every thread: stop the ones that did start, then report.
    {
      std::lock_guard<std::mutex> lock(s->mu);
      s->workers_stop.store(true);
    }
    s->work_cv.notify_all();
    for (auto& w : s->workers) w.join();
    throw Error(ErrorCode::Internal, std::string("ThreadPool: cannot start threads: ") + e.what());
  }
}

ThreadPool::~ThreadPool() {
  State* s = state_.get();
  // Jobs first: a queued job may still call parallel_for, which needs the workers.
  {
    std::lock_guard<std::mutex> lock(s->jobs_mu);
    s->jobs_stop = true;
  }
  s->jobs_cv.notify_all();
  if (s->job_thread.joinable()) s->job_thread.join();
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->workers_stop.store(true);
  }
  s->work_cv.notify_all();
  for (auto& w : s->workers) w.join();
}

int ThreadPool::size() const { return state_->threads; }

void ThreadPool::submit(std::function<void()> job) {
  if (!job) throw Error(ErrorCode::InvalidArgument, "ThreadPool::submit: job is empty");
  {
    std::lock_guard<std::mutex> lock(state_->jobs_mu);
    state_->jobs.push_back(std::move(job));
  }
  state_->jobs_cv.notify_one();
  // A job (a scheduler pass) almost always calls parallel_for soon. Waking the sleeping workers now, while the
  // job thread wakes, overlaps the two wake-ups instead of paying the workers' on its first parallel_for: on a VM
  // whose idle vCPUs halt, a wake-up can take a millisecond. Measured (MiniLM int8, one 32-token pair, 2 threads,
  // after 150 ms idle): p50 5.5-6.0 ms before, 2.7 ms after; back to back (workers awake) 1.7 ms either way.
  if (!state_->workers.empty()) {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->jobs_submitted.fetch_add(1, std::memory_order_relaxed);
    }
    state_->work_cv.notify_all();
  }
}

void ThreadPool::parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  if (n == 0) return;
  if (!body) throw Error(ErrorCode::InvalidArgument, "ThreadPool::parallel_for: body is empty");
  // grain 0 would mean empty chunks forever; treat it as the smallest chunk rather than failing a forward pass.
  if (grain == 0) grain = 1;
  State* s = state_.get();
  const size_t chunks = n / grain + (n % grain != 0 ? 1 : 0);

  // Inline when there is nothing to share or when nested inside one of our own chunks.
  if (chunks == 1 || s->workers.empty() || tls_in_body_of == s) {
    const void* saved = tls_in_body_of;
    tls_in_body_of = s;
    try {
      for (size_t begin = 0; begin < n; begin += grain) body(begin, n - begin < grain ? n : begin + grain);
    } catch (...) {
      tls_in_body_of = saved;
      throw;
    }
    tls_in_body_of = saved;
    return;
  }

  std::lock_guard<std::mutex> call_lock(s->call_mu);
  auto t = std::make_shared<Task>();
  t->body = &body;
  t->n = n;
  t->grain = grain;
  t->chunks = chunks;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->task = t;
    s->generation.fetch_add(1, std::memory_order_release);
  }
  s->work_cv.notify_all();

  s->run_chunks(*t);  // the caller works too (in place of the job thread, or as it)

  // Brief spin, then sleep until the workers' last chunk is counted.
  spin_until([&] { return t->done.load(std::memory_order_acquire) == chunks; });
  {
    std::unique_lock<std::mutex> lock(s->mu);
    s->done_cv.wait(lock, [&] { return t->done.load(std::memory_order_acquire) == chunks; });
    s->task.reset();  // late workers keep their own reference; drop ours so the Task is freed with them
  }
  // Take the exception out of the Task before rethrowing. A late worker may drop the last reference to the
  // Task; if the Task still held the exception_ptr, the exception object could be freed on that worker while
  // the caller reads it, ordered only by libstdc++'s uninstrumented refcount (a race report under TSan).
  // Every chunk is counted done, so no worker touches `error` again: the move (which leaves it null) needs no lock.
  std::exception_ptr error = std::move(t->error);
  if (error) std::rethrow_exception(error);
}

std::shared_ptr<ThreadPool> shared_thread_pool(int threads) {
  if (threads < 0) throw Error(ErrorCode::InvalidArgument, "threads must be >= 0, got " + std::to_string(threads));
  const int n = threads > 0 ? threads : default_thread_count();
  // Weak references: the registry never keeps a pool alive, its holders (models) do.
  static std::mutex mutex;
  static std::map<int, std::weak_ptr<ThreadPool>> pools;
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<ThreadPool> pool = pools[n].lock();
  if (!pool) {
    pool = std::make_shared<ThreadPool>(n);
    pools[n] = pool;
  }
  return pool;
}

}  // namespace ce
