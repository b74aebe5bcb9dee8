// Base for native work that runs off the JS thread and settles a Promise back on the JS thread.
#include "async_task.h"

namespace ce::binding {

AsyncTask::AsyncTask(Napi::Env env, const char* resource_name)
    : deferred_(Napi::Promise::Deferred::New(env)),
      // Unbounded queue (0) so the worker's BlockingCall never waits; one owning thread (the worker).
      // A pending call keeps the event loop alive, so the process cannot exit with the Promise unsettled.
      settle_(SettleFunction::New(env, resource_name, 0, 1)) {}

void AsyncTask::run_and_settle() noexcept {
  try {
    execute();
  } catch (...) {
    error_ = capture_error(std::current_exception());
  }
  post();
}

void AsyncTask::fail_and_settle(const CapturedError& error) noexcept {
  error_ = error;
  post();
}

void AsyncTask::post() noexcept {
  SettleFunction settle = settle_;
  if (settle.BlockingCall(this) != napi_ok) {
    // The environment is shutting down (napi_closing): nobody can observe the Promise any more. The task
    // is leaked on purpose: deleting it here could destroy the model (and its thread pool) from one of that
    // pool's own threads, which would deadlock.
  }
  settle.Release();
}

void settle_on_js_thread(Napi::Env env, Napi::Function, std::nullptr_t*, AsyncTask* task) {
  if (task == nullptr) return;
  if (env != nullptr) {
    try {
      if (task->error_) {
        task->deferred_.Reject(make_js_error(env, *task->error_).Value());
      } else {
        task->deferred_.Resolve(task->resolve_value(env));
      }
    } catch (...) {
      try {
        task->deferred_.Reject(make_js_error(env, capture_error(std::current_exception())).Value());
      } catch (...) {
        // Nothing more can be done without a working JS environment.
      }
    }
  }
  // Deleting on the JS thread is the point: the task may hold the last reference to a model, whose
  // destructor joins the model's thread pool.
  delete task;
}

}  // namespace ce::binding
