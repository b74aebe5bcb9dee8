// Tests ThreadPool: chunk coverage, concurrency, exceptions, FIFO jobs, nesting, shutdown, FTZ, core count.
#include "runtime/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/error.h"

namespace {

using namespace std::chrono_literals;

// Runs parallel_for and checks that every index in [0, n) is visited exactly once, in chunks aligned to
// `grain` and no longer than it.
void check_coverage(ce::ThreadPool& pool, size_t n, size_t grain) {
  std::vector<std::atomic<int>> hits(n);
  std::atomic<bool> bad_chunk{false};
  pool.parallel_for(n, grain, [&](size_t begin, size_t end) {
    const size_t g = grain == 0 ? 1 : grain;
    if (!(begin < end && end <= n && end - begin <= g && begin % g == 0)) bad_chunk = true;
    for (size_t i = begin; i < end && i < n; ++i) hits[i].fetch_add(1);
  });
  EXPECT_FALSE(bad_chunk) << "n=" << n << " grain=" << grain;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(hits[i].load(), 1) << "index " << i << " n=" << n << " grain=" << grain << " threads=" << pool.size();
  }
}

const size_t kSizes[] = {0, 1, 2, 3, 7, 64, 100, 1000, 4097};
const size_t kGrains[] = {1, 2, 3, 7, 64, 1000, 5000};

TEST(ThreadPool, CoversEveryIndexOnceFromCaller) {
  for (int threads = 1; threads <= 4; ++threads) {
    ce::ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (size_t n : kSizes) {
      for (size_t grain : kGrains) check_coverage(pool, n, grain);
    }
  }
}

TEST(ThreadPool, CoversEveryIndexOnceFromSubmittedJob) {
  for (int threads = 1; threads <= 4; ++threads) {
    ce::ThreadPool pool(threads);
    std::promise<void> done;
    pool.submit([&] {
      for (size_t n : kSizes) {
        for (size_t grain : kGrains) check_coverage(pool, n, grain);
      }
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(60s), std::future_status::ready);
  }
}

TEST(ThreadPool, GrainZeroActsAsOne) {
  ce::ThreadPool pool(3);
  check_coverage(pool, 50, 0);
}

TEST(ThreadPool, AllThreadsTakePartConcurrently) {
  // Each chunk waits until `threads` chunks are running at once; that only happens if every pool thread
  // (the caller included) holds a chunk at the same time.
  for (int threads = 2; threads <= 4; ++threads) {
    ce::ThreadPool pool(threads);
    std::atomic<int> running{0};
    std::atomic<bool> timed_out{false};
    std::mutex ids_mu;
    std::set<std::thread::id> ids;
    pool.parallel_for(static_cast<size_t>(threads), 1, [&](size_t, size_t) {
      {
        std::lock_guard<std::mutex> lock(ids_mu);
        ids.insert(std::this_thread::get_id());
      }
      running.fetch_add(1);
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (running.load() < threads) {
        if (std::chrono::steady_clock::now() > deadline) {
          timed_out = true;
          break;
        }
        std::this_thread::yield();
      }
    });
    EXPECT_FALSE(timed_out) << "threads=" << threads;
    EXPECT_EQ(ids.size(), static_cast<size_t>(threads));
    EXPECT_EQ(ids.count(std::this_thread::get_id()), 1u) << "the caller must take part";
  }
}

TEST(ThreadPool, ExceptionPropagatesAndPoolStaysUsable) {
  for (int threads = 1; threads <= 4; ++threads) {
    ce::ThreadPool pool(threads);
    std::atomic<int> calls{0};
    try {
      pool.parallel_for(1000, 3, [&](size_t begin, size_t end) {
        calls.fetch_add(1);
        if (begin <= 500 && 500 < end) throw std::runtime_error("chunk with 500 failed");
      });
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "chunk with 500 failed");
    }
    EXPECT_GE(calls.load(), 1);
    check_coverage(pool, 777, 5);
  }
}

TEST(ThreadPool, OneOfManyExceptionsPropagates) {
  ce::ThreadPool pool(4);
  try {
    pool.parallel_for(64, 1, [&](size_t begin, size_t) {
      throw ce::Error(ce::ErrorCode::Cancelled, "chunk " + std::to_string(begin));
    });
    ADD_FAILURE() << "no exception";
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::Cancelled);
    EXPECT_EQ(std::string(e.what()).rfind("chunk ", 0), 0u);
  }
}

// The caller reads the rethrown exception while late workers may still hold the finished call's state. Under
// TSan this loop caught the exception object being freed on a worker (it was kept in the shared Task): repeated
// because the window is a few microseconds wide.
TEST(ThreadPool, RethrownExceptionIsOwnedByTheCaller) {
  ce::ThreadPool pool(4);
  for (int round = 0; round < 1000; ++round) {
    try {
      pool.parallel_for(64, 1, [&](size_t begin, size_t) {
        throw ce::Error(ce::ErrorCode::Cancelled, "round " + std::to_string(round) + " chunk " + std::to_string(begin));
      });
      ADD_FAILURE() << "no exception";
    } catch (const ce::Error& e) {
      const std::string message(e.what());
      EXPECT_EQ(message.rfind("round " + std::to_string(round) + " chunk ", 0), 0u) << message;
    }
  }
}

TEST(ThreadPool, ExceptionFromJobCallerPropagatesToJob) {
  ce::ThreadPool pool(3);
  std::promise<std::string> result;
  pool.submit([&] {
    try {
      pool.parallel_for(100, 10, [](size_t begin, size_t) {
        if (begin == 90) throw std::logic_error("last chunk");
      });
      result.set_value("no exception");
    } catch (const std::logic_error& e) {
      result.set_value(e.what());
    }
  });
  auto f = result.get_future();
  ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(f.get(), "last chunk");
}

TEST(ThreadPool, SubmitRunsJobsInOrderOnOneOtherThread) {
  ce::ThreadPool pool(2);
  std::vector<int> order;  // touched only by the job thread until `done` is set
  std::set<std::thread::id> ids;
  std::promise<void> done;
  for (int i = 0; i < 200; ++i) {
    pool.submit([&, i] {
      order.push_back(i);
      ids.insert(std::this_thread::get_id());
    });
  }
  pool.submit([&] { done.set_value(); });
  ASSERT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
}

TEST(ThreadPool, ThrowingJobDoesNotStopLaterJobs) {
  ce::ThreadPool pool(1);
  std::promise<void> done;
  pool.submit([] { throw std::runtime_error("job failed"); });
  pool.submit([&] { done.set_value(); });
  EXPECT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
}

TEST(ThreadPool, NestedParallelForRunsInline) {
  ce::ThreadPool pool(4);
  const size_t outer = 16, inner = 50;
  std::vector<std::atomic<int>> hits(outer * inner);
  std::promise<void> done;
  pool.submit([&] {
    pool.parallel_for(outer, 1, [&](size_t ob, size_t oe) {
      for (size_t o = ob; o < oe; ++o) {
        // Same pool from inside a chunk: must not deadlock, must still cover everything.
        pool.parallel_for(inner, 7, [&](size_t ib, size_t ie) {
          for (size_t i = ib; i < ie; ++i) hits[o * inner + i].fetch_add(1);
        });
      }
    });
    done.set_value();
  });
  ASSERT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

TEST(ThreadPool, ConcurrentCallersAreSerialisedCorrectly) {
  ce::ThreadPool pool(3);
  std::promise<void> job_done;
  pool.submit([&] {
    for (int r = 0; r < 200; ++r) check_coverage(pool, 301, 4);
    job_done.set_value();
  });
  std::thread other([&] {
    for (int r = 0; r < 200; ++r) check_coverage(pool, 257, 3);
  });
  for (int r = 0; r < 200; ++r) check_coverage(pool, 199, 2);
  other.join();
  ASSERT_EQ(job_done.get_future().wait_for(60s), std::future_status::ready);
}

TEST(ThreadPool, ManySmallCallsInARow) {
  // Back-to-back calls exercise the hand-over between generations (late workers, spin then sleep).
  ce::ThreadPool pool(4);
  for (int r = 0; r < 5000; ++r) {
    std::atomic<size_t> sum{0};
    pool.parallel_for(8, 1, [&](size_t, size_t e) { sum.fetch_add(e); });
    ASSERT_EQ(sum.load(), 36u) << "round " << r;  // chunk ends 1..8, each once
  }
}

TEST(ThreadPool, DestructorDrainsQueuedJobs) {
  std::atomic<int> ran{0};
  {
    ce::ThreadPool pool(3);
    for (int i = 0; i < 50; ++i) {
      pool.submit([&] {
        std::this_thread::sleep_for(1ms);
        // Jobs still queued at destruction may use parallel_for: workers must outlive the job queue.
        pool.parallel_for(10, 1, [](size_t, size_t) {});
        ran.fetch_add(1);
      });
    }
  }
  EXPECT_EQ(ran.load(), 50);
}

TEST(ThreadPool, RejectsBadArguments) {
  for (int bad : {0, -1}) {
    try {
      ce::ThreadPool pool(bad);
      ADD_FAILURE() << "threads=" << bad << " accepted";
    } catch (const ce::Error& e) {
      EXPECT_EQ(e.code(), ce::ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find("threads"), std::string::npos);
    }
  }
  ce::ThreadPool pool(2);
  EXPECT_THROW(pool.submit(std::function<void()>()), ce::Error);
  EXPECT_THROW(pool.parallel_for(5, 1, std::function<void(size_t, size_t)>()), ce::Error);
}

#if defined(__x86_64__) || defined(__aarch64__)
// Multiplies two normal floats whose exact product is denormal; volatile keeps it a run-time operation.
float denormal_product() {
  volatile float a = 1e-30f;
  volatile float b = 1e-10f;
  return a * b;
}

TEST(ThreadPool, FlushesDenormalsOnPoolThreadsOnly) {
  ce::ThreadPool pool(2);
  EXPECT_NE(denormal_product(), 0.0f) << "the caller's FP mode must be left alone";
  std::promise<float> on_job;
  pool.submit([&] { on_job.set_value(denormal_product()); });
  EXPECT_EQ(on_job.get_future().get(), 0.0f);
  // Two chunks that wait for each other: one is certain to run on the worker.
  std::atomic<int> running{0};
  std::atomic<int> flushed_on_worker{-1};
  const auto caller = std::this_thread::get_id();
  pool.parallel_for(2, 1, [&](size_t, size_t) {
    running.fetch_add(1);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (running.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    if (std::this_thread::get_id() != caller) flushed_on_worker = denormal_product() == 0.0f ? 1 : 0;
  });
  EXPECT_EQ(flushed_on_worker.load(), 1) << "-1: no chunk ran on the worker; 0: worker did not flush";
  EXPECT_NE(denormal_product(), 0.0f);
}
#endif

// submit() wakes the workers for the job's parallel_for: jobs that never call it, jobs that do, and a pool
// destroyed right after a submit (workers woken, still spinning) all finish cleanly.
TEST(ThreadPool, JobsWithAndWithoutParallelForAllComplete) {
  for (int round = 0; round < 20; ++round) {
    ce::ThreadPool pool(3);
    std::atomic<size_t> covered{0};
    std::atomic<int> plain{0};
    std::promise<void> done;
    for (int i = 0; i < 30; ++i) {
      if (i % 3 == 0) {
        pool.submit([&] { pool.parallel_for(100, 7, [&](size_t b, size_t e) { covered += e - b; }); });
      } else {
        pool.submit([&] { ++plain; });
      }
    }
    pool.submit([&] { done.set_value(); });
    ASSERT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
    EXPECT_EQ(covered.load(), 10u * 100u);
    EXPECT_EQ(plain.load(), 20);
    pool.submit([] {});  // destroyed with its workers just woken
  }
}

TEST(ThreadPool, LastLevelCacheSizeIsSaneWhenKnown) {
  const std::optional<size_t> bytes = ce::last_level_cache_bytes();
  if (bytes) {
    EXPECT_GE(*bytes, size_t{64} << 10);
    EXPECT_LE(*bytes, size_t{16} << 30);
  }
}

TEST(ThreadPool, PhysicalCoreCountIsSane) {
  const int cores = ce::physical_core_count();
  EXPECT_GE(cores, 1);
  const unsigned hw = std::thread::hardware_concurrency();
  if (hw > 0) {
    EXPECT_LE(cores, static_cast<int>(hw));
  }
}

}  // namespace
