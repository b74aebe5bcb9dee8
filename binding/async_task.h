// Base for native work that runs off the JS thread (our own threads, never libuv's pool) and settles a
// Promise back on the JS thread through a thread-safe function, unless that environment has gone away.
#pragma once

#include <optional>

#include <napi.h>

#include "env_lifetime.h"
#include "js_error.h"

namespace ce::binding {

class AsyncTask;
void settle_on_js_thread(Napi::Env env, Napi::Function unused, std::nullptr_t* context, AsyncTask* task);

class AsyncTask {
 public:
  // JS thread. Creates the Promise and the thread-safe function that will settle it.
  AsyncTask(Napi::Env env, const char* resource_name);
  virtual ~AsyncTask() = default;
  AsyncTask(const AsyncTask&) = delete;
  AsyncTask& operator=(const AsyncTask&) = delete;

  Napi::Promise promise() const { return deferred_.Promise(); }

  // Worker thread: runs execute() catching everything, then hands the task to the JS thread, which
  // settles the Promise and deletes the task. If the environment is gone (a terminated Worker), the task is
  // deleted on a thread of its own instead. After this call the worker must not touch the task.
  void run_and_settle() noexcept;

  // JS thread, when the task could not be scheduled: reject with `error` (asynchronously) and delete.
  void fail_and_settle(const CapturedError& error) noexcept;

  // Any thread, for work that ran elsewhere (the scheduler): settle with `error`, or resolve when it is empty.
  // Same hand-over as run_and_settle.
  void complete(std::optional<CapturedError> error) noexcept;

 protected:
  virtual void execute() {}                                 // worker thread (run_and_settle); may throw
  virtual Napi::Value resolve_value(Napi::Env env) = 0;     // JS thread; may throw
  // JS thread: adds properties to the settled value or the rejection's error object.
  virtual void annotate(Napi::Env, Napi::Object) {}

 private:
  friend void settle_on_js_thread(Napi::Env, Napi::Function, std::nullptr_t*, AsyncTask*);
  using SettleFunction = Napi::TypedThreadSafeFunction<std::nullptr_t, AsyncTask, settle_on_js_thread>;

  void post() noexcept;
  // The environment is gone: nobody can observe the Promise. Deletes the task off this thread, which may be
  // a pool thread (the task may hold the last reference to a model, and through it to its pool, whose
  // destruction joins the pool's threads).
  static void abandon(AsyncTask* task) noexcept;

  Napi::Promise::Deferred deferred_;
  SettleFunction settle_;
  SharedEnvLifetime lifetime_;
  std::optional<CapturedError> error_;
};

}  // namespace ce::binding
