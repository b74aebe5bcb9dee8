// Scheduler tests on a fake scorer: cross-call batching under the token budget, results in input order,
// priorities with aging, cancel / timeout / dispose while queued and while running, admission, stats.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/scheduler.h"
#include "common/error.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Tokens = one per character of each text plus 3 specials; the logit of a pair is a function of its own ids
// only (as the engine guarantees), so any batching must reproduce expected_logit exactly.
class FakeScorer final : public BatchScorer {
 public:
  explicit FakeScorer(int threads = 2) : pool_(std::make_shared<ThreadPool>(threads)) {}

  static float expected_logit(const std::string& a, const std::string& b) {
    float x = 0.0f;
    for (char c : a + "|" + b) x = x * 0.5f + static_cast<float>(static_cast<unsigned char>(c));
    return x;
  }

  ThreadPool& pool() const override { return *pool_; }
  size_t labels() const override { return 1; }
  PairEncoding tokenize(std::string_view a, std::string_view b) const override {
    PairEncoding e;
    std::string joined = std::string(a) + "|" + std::string(b);
    for (char c : joined) e.input_ids.push_back(static_cast<unsigned char>(c));
    e.input_ids.push_back(1);
    e.input_ids.push_back(2);
    e.truncated = a.find("LONG") != std::string_view::npos;
    e.token_type_ids.assign(e.input_ids.size(), 0);
    return e;
  }
  void score(const std::vector<const PairEncoding*>& batch, float* logits) const override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      std::vector<size_t> lengths;
      for (const PairEncoding* e : batch) lengths.push_back(e->input_ids.size());
      batches_.push_back(lengths);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_; });
    }
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    for (size_t i = 0; i < batch.size(); ++i) {
      float x = 0.0f;
      const auto& ids = batch[i]->input_ids;
      for (size_t k = 0; k + 2 < ids.size(); ++k) x = x * 0.5f + static_cast<float>(ids[k]);
      logits[i] = x;
    }
  }
  void finish(float*, size_t, Activation) const override {}

  void hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  // Waits until `n` forward passes have started.
  void wait_entered(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, 10s, [&] { return entered_ >= n; })) << "no forward pass started";
  }
  std::vector<std::vector<size_t>> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  std::chrono::milliseconds delay_{0};

 private:
  std::shared_ptr<ThreadPool> pool_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable bool hold_ = false;
  mutable size_t entered_ = 0;
  mutable std::vector<std::vector<size_t>> batches_;
};

// A call's outcome as a future, plus when it ended.
struct Result {
  std::promise<CallOutcome> promise;
  std::future<CallOutcome> future = promise.get_future();
  Clock::time_point ended;
  CallCompletion completion() {
    return [this](CallOutcome&& outcome) {
      ended = Clock::now();
      promise.set_value(std::move(outcome));
    };
  }
  CallOutcome get() {
    EXPECT_EQ(future.wait_for(10s), std::future_status::ready) << "the call never completed";
    return future.get();
  }
  bool ready() { return future.wait_for(0s) == std::future_status::ready; }
};

ErrorCode code_of(const CallOutcome& outcome) {
  try {
    std::rethrow_exception(outcome.error);
  } catch (const Error& e) {
    return e.code();
  } catch (...) {
    return ErrorCode::Internal;
  }
}

std::vector<TextPair> make_pairs(size_t n, const std::string& tag, size_t length = 8) {
  std::vector<TextPair> pairs;
  for (size_t i = 0; i < n; ++i)
    pairs.push_back({tag + std::to_string(i), std::string(length + (i * 7) % 13, static_cast<char>('a' + i % 26))});
  return pairs;
}

void expect_scores(const std::vector<TextPair>& pairs, const CallOutcome& outcome) {
  ASSERT_FALSE(outcome.error) << error_code_name(code_of(outcome));
  ASSERT_EQ(outcome.scores.size(), pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i)
    EXPECT_EQ(outcome.scores[i], FakeScorer::expected_logit(pairs[i].a, pairs[i].b)) << "pair " << i;
}

TEST(Scheduler, ConcurrentCallsShareBatchesAndGetTheirOwnResultsInOrder) {
  FakeScorer scorer;
  Scheduler scheduler(scorer, SchedulerOptions{256, 20000, 100ms});
  scorer.hold();  // the first call's pass holds the pool while the others queue up
  constexpr int kCalls = 24;
  std::vector<std::vector<TextPair>> inputs;
  std::vector<std::unique_ptr<Result>> results;
  for (int c = 0; c < kCalls; ++c) {
    inputs.push_back(make_pairs(1 + c % 5, "c" + std::to_string(c) + "p"));
    results.push_back(std::make_unique<Result>());
  }
  std::vector<std::thread> posters;
  for (int c = 0; c < kCalls; ++c)
    posters.emplace_back([&, c] { scheduler.post(inputs[c], CallOptions{}, results[c]->completion()); });
  for (auto& t : posters) t.join();
  scorer.release();
  for (int c = 0; c < kCalls; ++c) expect_scores(inputs[c], results[c]->get());
  size_t mixed = 0, pairs = 0;
  for (const auto& batch : scorer.batches()) {
    size_t tokens = 0;
    for (size_t length : batch) tokens += length;
    EXPECT_TRUE(tokens <= 256 || batch.size() == 1) << "a pass of " << tokens << " tokens";
    EXPECT_TRUE(std::is_sorted(batch.begin(), batch.end())) << "a pass is length-sorted";
    if (batch.size() > 5) ++mixed;  // no single call has more than 5 pairs
    pairs += batch.size();
  }
  EXPECT_GT(mixed, 0u) << "no forward pass held pairs of several calls";
  const SchedulerStats stats = scheduler.stats();
  EXPECT_EQ(stats.completed_calls, static_cast<uint64_t>(kCalls));
  EXPECT_EQ(stats.pairs, pairs);
  EXPECT_EQ(stats.batches, scorer.batches().size());
  EXPECT_EQ(stats.queued_calls + stats.running_calls + stats.queued_pairs + stats.running_pairs, 0u);
}

TEST(Scheduler, PairLongerThanTheBudgetRunsAlone) {
  FakeScorer scorer;
  Scheduler scheduler(scorer, SchedulerOptions{16, 100, 100ms});
  std::vector<TextPair> pairs = {{"q", std::string(40, 'x')}, {"q", "y"}, {"q", "z"}};
  Result result;
  scheduler.post(pairs, CallOptions{}, result.completion());
  expect_scores(pairs, result.get());
  for (const auto& batch : scorer.batches()) {
    if (batch.size() > 1) {
      for (size_t length : batch) EXPECT_LE(length, 16u);
    }
  }
}

TEST(Scheduler, InteractiveCallOvertakesAQueuedBulkCall) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{32, 20000, 60000ms});
  scorer.hold();
  Result first, bulk, interactive;
  const auto first_pairs = make_pairs(1, "first");
  scheduler.post(first_pairs, CallOptions{}, first.completion());
  scorer.wait_entered(1);
  const auto bulk_pairs = make_pairs(200, "bulk");
  const auto interactive_pairs = make_pairs(2, "now");
  scheduler.post(bulk_pairs, CallOptions{Activation::Default, 5, 0ms}, bulk.completion());
  scheduler.post(interactive_pairs, CallOptions{Activation::Default, 0, 0ms}, interactive.completion());
  scorer.release();
  expect_scores(interactive_pairs, interactive.get());
  expect_scores(bulk_pairs, bulk.get());
  EXPECT_LT(interactive.ended, bulk.ended);
}

TEST(Scheduler, AgingLetsABulkCallFinishUnderContinuousInteractiveLoad) {
  FakeScorer scorer(1);
  scorer.delay_ = 2ms;
  // One level per 5 ms: a priority-4 call outranks fresh priority-0 calls after ~25 ms of waiting.
  Scheduler scheduler(scorer, SchedulerOptions{24, 20000, 5ms});
  std::atomic<bool> stop{false};
  std::atomic<int> interactive_done{0};
  std::thread load([&] {
    std::vector<std::unique_ptr<Result>> keep;
    while (!stop) {
      keep.push_back(std::make_unique<Result>());
      Result* r = keep.back().get();
      try {
        scheduler.post(make_pairs(2, "i"), CallOptions{}, [r, &interactive_done](CallOutcome&& o) {
          ++interactive_done;
          r->promise.set_value(std::move(o));
        });
      } catch (const Error&) {
      }
      std::this_thread::sleep_for(1ms);
    }
    for (auto& r : keep) r->get();
  });
  std::this_thread::sleep_for(20ms);
  Result bulk;
  const auto bulk_pairs = make_pairs(60, "bulk");
  scheduler.post(bulk_pairs, CallOptions{Activation::Default, 4, 0ms}, bulk.completion());
  const CallOutcome outcome = bulk.get();
  stop = true;
  load.join();
  expect_scores(bulk_pairs, outcome);
  EXPECT_GT(interactive_done.load(), 0);
}

TEST(Scheduler, CancelWhileQueuedEndsTheCallAtOnceAndWhileRunningDropsItsResults) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{2048, 20000, 100ms});
  scorer.hold();
  Result running, queued;
  const auto running_pairs = make_pairs(3, "run");
  CallTicket running_ticket = scheduler.post(running_pairs, CallOptions{}, running.completion());
  scorer.wait_entered(1);
  CallTicket queued_ticket = scheduler.post(make_pairs(50, "queued"), CallOptions{}, queued.completion());
  EXPECT_EQ(scheduler.stats().queued_calls, 1u);
  EXPECT_EQ(scheduler.stats().running_calls, 1u);
  EXPECT_EQ(scheduler.stats().running_pairs, 3u);
  queued_ticket.cancel(ErrorCode::Cancelled);
  ASSERT_TRUE(queued.ready()) << "a queued call's cancel completes it synchronously";
  EXPECT_EQ(code_of(queued.get()), ErrorCode::Cancelled);
  running_ticket.cancel(ErrorCode::Cancelled);
  ASSERT_TRUE(running.ready());
  EXPECT_EQ(code_of(running.get()), ErrorCode::Cancelled);
  EXPECT_EQ(scheduler.stats().queued_pairs, 0u);
  scorer.release();
  // The pass finishes; its results for the cancelled call are dropped and the scheduler stays usable.
  Result after;
  const auto after_pairs = make_pairs(4, "after");
  scheduler.post(after_pairs, CallOptions{}, after.completion());
  expect_scores(after_pairs, after.get());
  const SchedulerStats stats = scheduler.stats();
  EXPECT_EQ(stats.cancelled_calls, 2u);
  EXPECT_EQ(stats.completed_calls, 1u);
  EXPECT_EQ(stats.pairs, 3u + 4u) << "the cancelled queued call's pairs never ran";
  queued_ticket.cancel(ErrorCode::Cancelled);  // after the end: a no-op
}

TEST(Scheduler, TimeoutFiresWhileQueuedWithoutWaitingForTheRunningPass) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{2048, 20000, 100ms});
  scorer.hold();
  Result blocker, timed, untimed;
  scheduler.post(make_pairs(1, "block"), CallOptions{}, blocker.completion());
  scorer.wait_entered(1);
  const auto posted = Clock::now();
  scheduler.post(make_pairs(10, "late"), CallOptions{Activation::Default, 0, 30ms}, timed.completion());
  scheduler.post(make_pairs(10, "fine"), CallOptions{}, untimed.completion());
  const CallOutcome outcome = timed.get();
  EXPECT_EQ(code_of(outcome), ErrorCode::Timeout);
  EXPECT_GE(timed.ended - posted, 30ms);
  EXPECT_LT(timed.ended - posted, 2000ms);
  EXPECT_FALSE(untimed.ready()) << "the pass is still held";
  scorer.release();
  EXPECT_FALSE(untimed.get().error);
  EXPECT_EQ(scheduler.stats().timed_out_calls, 1u);
  EXPECT_EQ(scheduler.stats().pairs, 1u + 10u);
}

TEST(Scheduler, TimeoutWhileRunningRejectsAndDropsTheRest) {
  FakeScorer scorer(1);
  scorer.delay_ = 20ms;
  Scheduler scheduler(scorer, SchedulerOptions{20, 20000, 100ms});
  Result result;
  scheduler.post(make_pairs(40, "t"), CallOptions{Activation::Default, 0, 50ms}, result.completion());
  EXPECT_EQ(code_of(result.get()), ErrorCode::Timeout);
  std::this_thread::sleep_for(60ms);
  EXPECT_LT(scheduler.stats().pairs, 40u) << "unstarted pairs of a timed-out call must not run";
}

TEST(Scheduler, AdmissionRejectsWholeCallsThatDoNotFit) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{2048, 10, 100ms});
  scorer.hold();
  Result a;
  scheduler.post(make_pairs(8, "a"), CallOptions{}, a.completion());
  scheduler.check_admission(2);
  test::expect_error([&] { scheduler.check_admission(3); }, ErrorCode::Overloaded, {"8 pairs are waiting"});
  test::expect_error([&] { scheduler.post(make_pairs(3, "b"), CallOptions{}, [](CallOutcome&&) {}); },
                     ErrorCode::Overloaded, {"queue is full", "maxQueuedPairs 10"});
  test::expect_error([&] { scheduler.post(make_pairs(11, "c"), CallOptions{}, [](CallOutcome&&) {}); },
                     ErrorCode::Overloaded, {"11"});
  Result fits;
  scheduler.post(make_pairs(2, "d"), CallOptions{}, fits.completion());
  scorer.release();
  EXPECT_FALSE(a.get().error);
  EXPECT_FALSE(fits.get().error);
  EXPECT_EQ(scheduler.stats().rejected_calls, 3u);
  scheduler.check_admission(10);
}

TEST(Scheduler, DropQueuedEndsUnstartedCallsAndLetsRunningOnesFinish) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{2048, 20000, 100ms});
  scorer.hold();
  Result running, queued;
  const auto running_pairs = make_pairs(3, "r");
  scheduler.post(running_pairs, CallOptions{}, running.completion());
  scorer.wait_entered(1);
  scheduler.post(make_pairs(5, "q"), CallOptions{}, queued.completion());
  scheduler.drop_queued();
  ASSERT_TRUE(queued.ready());
  EXPECT_EQ(code_of(queued.get()), ErrorCode::Disposed);
  // A caller that held the model before the dispose may still post (the binding refuses new callers).
  Result late;
  const auto late_pairs = make_pairs(2, "late");
  scheduler.post(late_pairs, CallOptions{}, late.completion());
  scorer.release();
  expect_scores(running_pairs, running.get());
  expect_scores(late_pairs, late.get());
  EXPECT_EQ(scheduler.stats().failed_calls, 1u);
}

TEST(Scheduler, DestructorEndsEveryCallAndWaitsForThePass) {
  FakeScorer scorer(1);
  Result running, queued;
  std::thread releaser;
  {
    Scheduler scheduler(scorer, SchedulerOptions{2048, 20000, 100ms});
    scorer.hold();
    scheduler.post(make_pairs(2, "r"), CallOptions{}, running.completion());
    scorer.wait_entered(1);
    scheduler.post(make_pairs(2, "q"), CallOptions{Activation::Default, 0, 5000ms}, queued.completion());
    releaser = std::thread([&] {
      std::this_thread::sleep_for(30ms);
      scorer.release();
    });
  }  // waits for the held pass
  releaser.join();
  EXPECT_EQ(code_of(running.get()), ErrorCode::Disposed);
  EXPECT_EQ(code_of(queued.get()), ErrorCode::Disposed);
}

TEST(Scheduler, CallStatsReportQueueComputeAndTruncation) {
  FakeScorer scorer(1);
  Scheduler scheduler(scorer, SchedulerOptions{2048, 20000, 100ms});
  scorer.hold();
  Result blocker, result;
  scheduler.post(make_pairs(1, "b"), CallOptions{}, blocker.completion());
  scorer.wait_entered(1);
  std::vector<TextPair> pairs = {{"LONG a", "b"}, {"c", "d"}, {"LONG e", "f"}};
  scheduler.post(pairs, CallOptions{}, result.completion());
  std::this_thread::sleep_for(20ms);
  scorer.release();
  const CallOutcome outcome = result.get();
  expect_scores(pairs, outcome);
  EXPECT_EQ(outcome.truncated_pairs, 2u);
  EXPECT_GE(outcome.queue_ms, 15.0);
  EXPECT_GE(outcome.compute_ms, 0.0);
  Result empty;
  scheduler.post({}, CallOptions{}, empty.completion());
  ASSERT_TRUE(empty.ready()) << "a call without pairs completes at once";
  EXPECT_TRUE(empty.get().scores.empty());
}

TEST(Scheduler, RejectsBadOptions) {
  FakeScorer scorer(1);
  test::expect_error([&] { Scheduler(scorer, SchedulerOptions{0, 1, 100ms}); }, ErrorCode::InvalidArgument,
                     {"max_batch_tokens"});
  test::expect_error([&] { Scheduler(scorer, SchedulerOptions{1, 0, 100ms}); }, ErrorCode::InvalidArgument,
                     {"max_queued_pairs"});
  Scheduler scheduler(scorer, SchedulerOptions{});
  test::expect_error([&] { scheduler.post(make_pairs(1, "a"), CallOptions{Activation::Default, -1, 0ms}, {}); },
                     ErrorCode::InvalidArgument, {"priority"});
}

TEST(CgroupCpuLimit, ReadsQuotaOverPeriodRoundedUp) {
  test::TempDir dir;
  auto limit_of = [&](const std::string& text) {
    const std::string path = (dir.path() / "cpu.max").string();
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return cgroup_cpu_limit(path);
  };
  EXPECT_EQ(limit_of("200000 100000\n"), 2);
  EXPECT_EQ(limit_of("150000 100000\n"), 2);
  EXPECT_EQ(limit_of("50000 100000\n"), 1);
  EXPECT_EQ(limit_of("max 100000\n"), std::nullopt);
  EXPECT_EQ(limit_of("garbage\n"), std::nullopt);
  EXPECT_EQ(limit_of("12x 100000\n"), std::nullopt);
  EXPECT_EQ(cgroup_cpu_limit((dir.path() / "missing").string()), std::nullopt);
  EXPECT_GE(default_thread_count(), 1);
  EXPECT_LE(default_thread_count(), physical_core_count());
}

}  // namespace
}  // namespace ce
