// Scheduler: admission, the (priority, arrival) queue with aging, cross-call batch formation under a token
// budget, deadlines, cancellation, and the pump that runs one forward pass per pool job.
#include "api/scheduler.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/error.h"
#include "runtime/thread_pool.h"

namespace ce {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

struct Call {
  uint64_t id = 0;
  size_t pair_count = 0;
  std::vector<TextPair> pairs;          // freed once tokenized
  std::vector<PairEncoding> encodings;  // filled on the pool
  std::vector<uint32_t> order;          // pair indices, shortest first (stable), once tokenized
  size_t next = 0;                      // order[next..] have not entered a forward pass
  size_t unscored = 0;                  // pairs without logits yet (unstarted or in the running pass)
  std::vector<float> logits;
  CallOptions options;
  Clock::time_point posted;
  std::optional<Clock::time_point> deadline;
  std::optional<Clock::time_point> started;  // its first pair entered a forward pass
  size_t truncated = 0;
  std::atomic<bool> ended{false};  // also read, without the lock, by tokenization to skip a dead call's pairs
  std::mutex tokenize_error_mu;
  std::exception_ptr tokenize_error;
  CallCompletion done;
};

using CallPtr = std::shared_ptr<Call>;

// A completion ready to be delivered once the lock is released.
struct Delivery {
  CallCompletion done;
  CallOutcome outcome;
};

struct BatchEntry {
  CallPtr call;
  uint32_t pair;
  size_t tokens;
};

}  // namespace

struct CallTicket::Core : std::enable_shared_from_this<CallTicket::Core> {
  Core(const BatchScorer& s, const SchedulerOptions& o) : scorer(s), options(o) {}

  const BatchScorer& scorer;
  const SchedulerOptions options;

  mutable std::mutex mu;
  std::condition_variable idle_cv;   // pump_scheduled became false
  std::condition_variable timer_cv;  // a new deadline, or stop
  bool pump_scheduled = false;       // a pump job is queued or running; the scorer is in use until it clears
  bool disposed = false;             // the scheduler is being destroyed: no new calls
  bool timer_stop = false;
  std::thread timer;
  uint64_t next_id = 1;
  std::vector<CallPtr> fresh;   // posted, not tokenized yet
  std::vector<CallPtr> queued;  // tokenized, with pairs not yet started
  std::unordered_map<uint64_t, CallPtr> live;  // every call not ended
  size_t unscored_pairs = 0;    // admission: pairs of live calls without logits
  size_t unstarted_pairs = 0;
  size_t running_pairs = 0;
  SchedulerStats counters;      // the cumulative fields only

  // Locked. Ends `call` with `error` (null = success: activation applied to its logits here, while the
  // scorer is known to be alive) and queues its completion.
  void end_call(const CallPtr& call, std::exception_ptr error, ErrorCode code, Clock::time_point now,
                std::vector<Delivery>& out) {
    if (call->ended.exchange(true)) return;
    live.erase(call->id);
    unscored_pairs -= call->unscored;
    unstarted_pairs -= call->pair_count - call->next;
    call->unscored = 0;
    call->next = call->pair_count;
    CallOutcome outcome;
    outcome.truncated_pairs = call->truncated;
    outcome.queue_ms = ms_between(call->posted, call->started.value_or(now));
    outcome.compute_ms = call->started ? ms_between(*call->started, now) : 0.0;
    if (!error) {
      scorer.finish(call->logits.data(), call->pair_count, call->options.activation);
      outcome.scores = std::move(call->logits);
      ++counters.completed_calls;
    } else {
      outcome.error = error;
      if (code == ErrorCode::Cancelled) {
        ++counters.cancelled_calls;
      } else if (code == ErrorCode::Timeout) {
        ++counters.timed_out_calls;
      } else {
        ++counters.failed_calls;
      }
    }
    // Its encodings stay: a running pass or the tokenizer may still read them; the Call is freed with its last
    // reference (the pass's entries, the tokenizer's list).
    std::vector<float>().swap(call->logits);
    out.push_back({std::move(call->done), std::move(outcome)});
  }

  void end_with(const CallPtr& call, ErrorCode code, const std::string& message, Clock::time_point now,
                std::vector<Delivery>& out) {
    end_call(call, std::make_exception_ptr(Error(code, message)), code, now, out);
  }

  static std::string timeout_message(const Call& call) {
    return "the call's timeout of " + std::to_string(call.options.timeout.count()) +
           " ms passed before it finished (raise timeout, or lower the load on this model)";
  }

  // Locked.
  void expire_deadlines(Clock::time_point now, std::vector<Delivery>& out) {
    std::vector<CallPtr> expired;
    for (const auto& [id, call] : live)
      if (call->deadline && *call->deadline <= now) expired.push_back(call);
    for (const CallPtr& call : expired) end_with(call, ErrorCode::Timeout, timeout_message(*call), now, out);
  }

  static void deliver(std::vector<Delivery>& deliveries) {
    for (Delivery& d : deliveries) {
      try {
        if (d.done) d.done(std::move(d.outcome));
      } catch (...) {
        // A completion must not throw; one that does cannot take the scheduler down with it.
      }
    }
    deliveries.clear();
  }

  // Locked. Throws unless a call of `n` pairs fits now.
  void admit(size_t n) {
    if (disposed) throw Error(ErrorCode::Disposed, "the model is being destroyed");
    if (n > options.max_queued_pairs || unscored_pairs > options.max_queued_pairs - n) {
      ++counters.rejected_calls;
      throw Error(ErrorCode::Overloaded,
                  "the model's queue is full: " + std::to_string(unscored_pairs) + " pairs are waiting and this " +
                      "call brings " + std::to_string(n) + " (maxQueuedPairs " +
                      std::to_string(options.max_queued_pairs) + "); retry later, split the call, or raise " +
                      "maxQueuedPairs");
    }
  }

  // Locked. Submits a pump job unless one is pending.
  void schedule_pump() {
    if (pump_scheduled) return;
    pump_scheduled = true;
    std::shared_ptr<Core> self = shared_from_this();
    try {
      scorer.pool().submit([self] { self->pump(); });
    } catch (...) {
      pump_scheduled = false;
      throw;
    }
  }

  // Pool job thread: tokenizes new calls, then runs one forward pass, then resubmits itself while work is left
  // (one pass per job, so models sharing the pool take turns).
  void pump();
  void tokenize_fresh(std::vector<Delivery>& out);
  std::vector<BatchEntry> form_batch(Clock::time_point now);
  void timer_loop();
};

void CallTicket::Core::tokenize_fresh(std::vector<Delivery>& out) {
  std::vector<CallPtr> calls;
  {
    std::lock_guard<std::mutex> lock(mu);
    calls.swap(fresh);
  }
  if (calls.empty()) return;
  std::vector<std::pair<Call*, uint32_t>> items;
  for (const CallPtr& call : calls) {
    call->encodings.resize(call->pair_count);
    for (uint32_t i = 0; i < call->pair_count; ++i) items.emplace_back(call.get(), i);
  }
  std::exception_ptr batch_error;
  try {
    scorer.pool().parallel_for(items.size(), 16, [&](size_t begin, size_t end) {
      for (size_t k = begin; k < end; ++k) {
        Call& call = *items[k].first;
        if (call.ended.load(std::memory_order_relaxed)) continue;  // cancelled meanwhile: skip its texts
        const TextPair& pair = call.pairs[items[k].second];
        try {
          call.encodings[items[k].second] = scorer.tokenize(pair.a, pair.b);
        } catch (...) {
          std::lock_guard<std::mutex> lock(call.tokenize_error_mu);
          if (!call.tokenize_error) call.tokenize_error = std::current_exception();
        }
      }
    });
  } catch (...) {
    batch_error = std::current_exception();
  }
  for (const CallPtr& call : calls) std::vector<TextPair>().swap(call->pairs);
  std::lock_guard<std::mutex> lock(mu);
  const Clock::time_point now = Clock::now();
  for (const CallPtr& call : calls) {
    if (call->ended) continue;
    std::exception_ptr error = batch_error ? batch_error : call->tokenize_error;
    if (error) {
      end_call(call, error, ErrorCode::Internal, now, out);
      continue;
    }
    call->order.resize(call->pair_count);
    for (uint32_t i = 0; i < call->pair_count; ++i) {
      call->order[i] = i;
      if (call->encodings[i].truncated) ++call->truncated;
    }
    std::stable_sort(call->order.begin(), call->order.end(), [&](uint32_t x, uint32_t y) {
      return call->encodings[x].input_ids.size() < call->encodings[y].input_ids.size();
    });
    call->logits.assign(call->pair_count * scorer.labels(), 0.0f);
    queued.push_back(call);
  }
}

// Locked. Walks calls by (effective priority, arrival) and takes each one's pairs shortest first until the token
// budget is spent: the best call is always served first, and a pass is never split across more callers than
// it needs. The pass itself is then length-sorted, as plan_batches does within a call.
std::vector<BatchEntry> CallTicket::Core::form_batch(Clock::time_point now) {
  std::vector<BatchEntry> batch;
  if (queued.empty()) return batch;
  const auto aging = options.priority_aging.count();
  auto effective_priority = [&](const Call& call) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - call.posted).count();
    return call.options.priority - static_cast<int64_t>(waited / aging);
  };
  std::vector<std::pair<int64_t, const CallPtr*>> ranked;
  ranked.reserve(queued.size());
  for (const CallPtr& call : queued)
    if (!call->ended) ranked.emplace_back(effective_priority(*call), &call);
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    return (*x.second)->id < (*y.second)->id;  // ids grow with arrival
  });
  size_t tokens = 0;
  bool full = false;
  for (const auto& [priority, entry] : ranked) {
    const CallPtr& call = *entry;
    while (call->next < call->pair_count) {
      const uint32_t pair = call->order[call->next];
      const size_t length = call->encodings[pair].input_ids.size();
      if (!batch.empty() && tokens + length > options.max_batch_tokens) {
        full = true;
        break;
      }
      batch.push_back({call, pair, length});
      tokens += length;
      ++call->next;
      if (!call->started) call->started = now;
    }
    if (full) break;
  }
  queued.erase(std::remove_if(queued.begin(), queued.end(),
                              [](const CallPtr& call) { return call->next == call->pair_count; }),
               queued.end());
  std::stable_sort(batch.begin(), batch.end(), [](const BatchEntry& x, const BatchEntry& y) { return x.tokens < y.tokens; });
  if (batch.empty()) return batch;
  unstarted_pairs -= batch.size();
  running_pairs = batch.size();
  ++counters.batches;
  counters.pairs += batch.size();
  counters.tokens += tokens;
  return batch;
}

void CallTicket::Core::pump() {
  std::vector<Delivery> deliveries;
  tokenize_fresh(deliveries);
  std::vector<BatchEntry> batch;
  bool tokenize_again = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    const Clock::time_point now = Clock::now();
    expire_deadlines(now, deliveries);
    batch = form_batch(now);
    if (batch.empty()) {
      // Calls posted while this job tokenized found it scheduled and did not submit another: they are ours.
      tokenize_again = !fresh.empty();
      if (!tokenize_again) {
        pump_scheduled = false;
        idle_cv.notify_all();
      }
    }
  }
  if (batch.empty()) {  // unless tokenize_again, the scorer may be gone from here on: only completions remain
    deliver(deliveries);
    if (tokenize_again) pump();
    return;
  }
  const size_t labels = scorer.labels();
  std::vector<float> logits(batch.size() * labels);
  std::exception_ptr error;
  try {
    std::vector<const PairEncoding*> encodings(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) encodings[i] = &batch[i].call->encodings[batch[i].pair];
    scorer.score(encodings, logits.data());
  } catch (...) {
    error = std::current_exception();
  }
  bool more = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    const Clock::time_point now = Clock::now();
    running_pairs = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      const CallPtr& call = batch[i].call;
      if (call->ended) continue;  // cancelled, timed out or disposed while the pass ran: results dropped
      if (error) {
        end_call(call, error, ErrorCode::Internal, now, deliveries);
        continue;
      }
      std::copy_n(logits.data() + i * labels, labels, call->logits.data() + size_t{batch[i].pair} * labels);
      --call->unscored;
      --unscored_pairs;
      if (call->unscored == 0) end_call(call, nullptr, ErrorCode::Internal, now, deliveries);
    }
    more = !fresh.empty() || !queued.empty();
    if (!more) {
      pump_scheduled = false;
      idle_cv.notify_all();
    }
  }
  if (more) {
    std::shared_ptr<Core> self = shared_from_this();
    try {
      scorer.pool().submit([self] { self->pump(); });
    } catch (...) {
      // Cannot queue the next pass (out of memory): run it here rather than strand the queued calls.
      deliver(deliveries);
      pump();
      return;
    }
  }
  deliver(deliveries);
}

void CallTicket::Core::timer_loop() {
  std::unique_lock<std::mutex> lock(mu);
  std::vector<Delivery> deliveries;
  while (!timer_stop) {
    std::optional<Clock::time_point> earliest;
    for (const auto& [id, call] : live)
      if (call->deadline && (!earliest || *call->deadline < *earliest)) earliest = call->deadline;
    if (earliest) {
      timer_cv.wait_until(lock, *earliest);
    } else {
      timer_cv.wait(lock);
    }
    if (timer_stop) break;
    expire_deadlines(Clock::now(), deliveries);
    if (!deliveries.empty()) {
      lock.unlock();
      deliver(deliveries);
      lock.lock();
    }
  }
}

void CallTicket::cancel(ErrorCode code) const {
  std::shared_ptr<Core> core = core_.lock();
  if (!core) return;
  std::vector<Delivery> deliveries;
  {
    std::lock_guard<std::mutex> lock(core->mu);
    auto found = core->live.find(id_);
    if (found == core->live.end()) return;
    const CallPtr call = found->second;
    const std::string message = code == ErrorCode::Timeout ? Core::timeout_message(*call)
                                : code == ErrorCode::Cancelled ? std::string("predict was cancelled")
                                                               : std::string("the call was ended by its caller");
    // Its unstarted pairs leave the queue now; pairs already in a forward pass finish there, unused.
    core->queued.erase(std::remove(core->queued.begin(), core->queued.end(), call), core->queued.end());
    core->end_with(call, code, message, Clock::now(), deliveries);
  }
  Core::deliver(deliveries);
}

Scheduler::Scheduler(const BatchScorer& scorer, SchedulerOptions options) : options_(options) {
  if (options.max_batch_tokens < 1) throw Error(ErrorCode::InvalidArgument, "max_batch_tokens must be >= 1, got 0");
  if (options.max_queued_pairs < 1) throw Error(ErrorCode::InvalidArgument, "max_queued_pairs must be >= 1, got 0");
  if (options.priority_aging.count() < 1)
    throw Error(ErrorCode::InvalidArgument, "priority_aging must be at least 1 ms");
  core_ = std::make_shared<CallTicket::Core>(scorer, options);
}

Scheduler::~Scheduler() {
  CallTicket::Core& core = *core_;
  std::vector<Delivery> deliveries;
  {
    std::unique_lock<std::mutex> lock(core.mu);
    core.disposed = true;
    core.timer_stop = true;
    std::vector<CallPtr> remaining;
    for (const auto& [id, call] : core.live) remaining.push_back(call);
    for (const CallPtr& call : remaining)
      core.end_with(call, ErrorCode::Disposed, "the model was disposed before this call finished", Clock::now(),
                    deliveries);
    core.fresh.clear();
    core.queued.clear();
    core.timer_cv.notify_all();
    // The pump may hold the scorer (the model being destroyed) until its pass ends.
    core.idle_cv.wait(lock, [&] { return !core.pump_scheduled; });
  }
  if (core.timer.joinable()) core.timer.join();
  CallTicket::Core::deliver(deliveries);
}

void Scheduler::check_admission(size_t pairs) {
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->admit(pairs);
}

CallTicket Scheduler::post(std::vector<TextPair> pairs, const CallOptions& options, CallCompletion done) {
  CallTicket::Core& core = *core_;
  if (options.priority < 0)
    throw Error(ErrorCode::InvalidArgument, "priority must be >= 0, got " + std::to_string(options.priority));
  if (options.timeout.count() < 0) throw Error(ErrorCode::InvalidArgument, "timeout must be >= 0 ms");
  auto call = std::make_shared<Call>();
  call->pair_count = pairs.size();
  call->unscored = pairs.size();
  call->pairs = std::move(pairs);
  call->options = options;
  call->done = std::move(done);
  call->posted = Clock::now();
  if (options.timeout.count() > 0) call->deadline = call->posted + options.timeout;
  CallTicket ticket;
  ticket.core_ = core_;
  std::vector<Delivery> deliveries;
  {
    std::lock_guard<std::mutex> lock(core.mu);
    const size_t n = call->pair_count;
    core.admit(n);
    call->id = core.next_id++;
    ticket.id_ = call->id;
    core.live.emplace(call->id, call);
    core.unscored_pairs += n;
    core.unstarted_pairs += n;
    if (n == 0) {
      core.end_call(call, nullptr, ErrorCode::Internal, call->posted, deliveries);
    } else {
      core.fresh.push_back(call);
      try {
        if (call->deadline) {
          if (!core.timer.joinable()) core.timer = std::thread([&core] { core.timer_loop(); });
          core.timer_cv.notify_all();
        }
        core.schedule_pump();
      } catch (...) {
        // Nothing started: undo the admission so the caller sees a plain failure.
        core.live.erase(call->id);
        core.fresh.pop_back();
        core.unscored_pairs -= n;
        core.unstarted_pairs -= n;
        throw Error(ErrorCode::Internal, "could not start the scheduler's threads");
      }
    }
  }
  CallTicket::Core::deliver(deliveries);
  return ticket;
}

void Scheduler::drop_queued() {
  CallTicket::Core& core = *core_;
  std::vector<Delivery> deliveries;
  {
    std::lock_guard<std::mutex> lock(core.mu);
    std::vector<CallPtr> unstarted;
    for (const auto& [id, call] : core.live)
      if (!call->started) unstarted.push_back(call);
    for (const CallPtr& call : unstarted) {
      core.fresh.erase(std::remove(core.fresh.begin(), core.fresh.end(), call), core.fresh.end());
      core.queued.erase(std::remove(core.queued.begin(), core.queued.end(), call), core.queued.end());
      core.end_with(call, ErrorCode::Disposed, "the model was disposed before this call started", Clock::now(),
                    deliveries);
    }
  }
  CallTicket::Core::deliver(deliveries);
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  SchedulerStats stats = core_->counters;
  for (const auto& [id, call] : core_->live) {
    if (call->started) {
      ++stats.running_calls;
    } else {
      ++stats.queued_calls;
    }
  }
  stats.queued_pairs = core_->unstarted_pairs;
  stats.running_pairs = core_->running_pairs;
  return stats;
}

}  // namespace ce
