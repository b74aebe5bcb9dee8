// Per-model request scheduler: calls from many callers are admitted whole, queued by (priority, arrival) and
// scored in shared token-budgeted forward passes on the model's pool; each call completes through a callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "api/activation.h"
#include "api/text_pair.h"
#include "common/error.h"
#include "tokenizer/tokenizer.h"

namespace ce {

class ThreadPool;

// What the scheduler needs of a model. CrossEncoderModel implements it; tests use fakes.
class BatchScorer {
 public:
  virtual ~BatchScorer() = default;
  virtual ThreadPool& pool() const = 0;
  virtual size_t labels() const = 0;
  virtual PairEncoding tokenize(std::string_view a, std::string_view b) const = 0;
  // One forward pass over `batch` (on pool()): raw logits, labels() per pair, in batch order. A pair's logits
  // must not depend on the other pairs of the batch (the scheduler mixes callers in one pass).
  virtual void score(const std::vector<const PairEncoding*>& batch, float* logits) const = 0;
  // Applies `activation` (Default = the model's) to `rows` rows of logits in place.
  virtual void finish(float* logits, size_t rows, Activation activation) const = 0;
};

struct SchedulerOptions {
  // Token budget of one forward pass across all callers (>= 1); a single longer pair still runs, alone.
  size_t max_batch_tokens = 2048;
  // Pairs admitted but not yet scored (>= 1). A call that does not fit is rejected whole: ErrorCode::Overloaded.
  size_t max_queued_pairs = 20000;
  // Aging, so bulk work is never starved: a queued call's priority improves by one level per `priority_aging`
  // waited (its effective priority is priority - waited / priority_aging); ties go to the earlier arrival.
  std::chrono::milliseconds priority_aging{100};
};

struct CallOptions {
  Activation activation = Activation::Default;
  int64_t priority = 0;                   // >= 0; lower runs earlier
  std::chrono::milliseconds timeout{0};   // 0 = none; else ErrorCode::Timeout once it has passed
};

// How one call ended. `error` is null on success (then `scores` holds pairs * labels values, input order,
// activation applied).
struct CallOutcome {
  std::vector<float> scores;
  std::exception_ptr error;
  double queue_ms = 0;    // posted -> its first pair entered a forward pass (or -> the end, if none did)
  double compute_ms = 0;  // its first pair entered a forward pass -> completion (0 if none did)
  size_t truncated_pairs = 0;
};

// Called exactly once per admitted call, on whichever thread ended it (a pool thread, the deadline thread, or
// the thread that cancelled it), never under the scheduler's lock. It must not destroy the scheduler.
using CallCompletion = std::function<void(CallOutcome&&)>;

struct SchedulerStats {
  size_t queued_calls = 0, queued_pairs = 0;    // admitted, no pair scored or running yet / pairs not started
  size_t running_calls = 0, running_pairs = 0;  // calls with a pair started and not finished / pairs in the pass
  // Counts since creation: completed = succeeded; failed = any other error, ERR_DISPOSED included.
  uint64_t completed_calls = 0, rejected_calls = 0, cancelled_calls = 0, timed_out_calls = 0, failed_calls = 0;
  uint64_t batches = 0, pairs = 0, tokens = 0;  // forward passes run, the pairs and tokens they held
};

class Scheduler;

// A posted call, as its caller can reach it: cancel() drops its unstarted pairs at once and completes it with
// `code` (Cancelled, Timeout, ...); a no-op once the call has ended or the scheduler is gone. Any thread.
class CallTicket {
 public:
  void cancel(ErrorCode code) const;

 private:
  friend class Scheduler;
  struct Core;
  std::weak_ptr<Core> core_;
  uint64_t id_ = 0;
};

class Scheduler {
 public:
  Scheduler(const BatchScorer& scorer, SchedulerOptions options);  // throws InvalidArgument on a zero option
  // Completes every call not yet ended with ErrorCode::Disposed and waits out a forward pass in progress.
  // Must not run on the pool's threads or inside a completion.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Throws what post() would for a call of `pairs` pairs (Overloaded, counted as a rejection):
  // a cheap early check before a caller copies the call's texts.
  void check_admission(size_t pairs);
  // Admits the call whole or throws Error(Overloaded) before any work. Returns
  // at once; tokenizing and scoring run on the pool; `done` is called when the call has ended.
  CallTicket post(std::vector<TextPair> pairs, const CallOptions& options, CallCompletion done);
  // The owner is being disposed: completes the calls none of whose pairs have started with ErrorCode::Disposed;
  // calls already running finish normally. Later posts are still accepted (a caller that took its reference
  // before the dispose may still post; the owner refuses new callers). Any thread but the pool's.
  void drop_queued();
  SchedulerStats stats() const;
  const SchedulerOptions& options() const { return options_; }

 private:
  SchedulerOptions options_;
  std::shared_ptr<CallTicket::Core> core_;
};

}  // namespace ce
