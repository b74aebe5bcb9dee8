// Base for native work that runs off the JS thread and settles a Promise back on the JS thread.
#include "async_task.h"

#include <thread>

#include "addon_data.h"

namespace ce::binding {

AsyncTask::AsyncTask(Napi::Env env, const char* resource_name)
    : deferred_(Napi::Promise::Deferred::New(env)),
      // Unbounded queue (0) so the worker's BlockingCall never waits; one owning thread (the worker).
      // A pending call keeps the event loop alive, so the process cannot exit with the Promise unsettled.
      settle_(SettleFunction::New(env, resource_name, 0, 1)),
      lifetime_(addon_data(env).lifetime) {}

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

void AsyncTask::complete(std::optional<CapturedError> error) noexcept {
  error_ = std::move(error);
  post();
}

void AsyncTask::post() noexcept {
  // Copies: once posted, the JS thread may delete the task at any moment.
  SharedEnvLifetime lifetime = lifetime_;
  SettleFunction settle = settle_;
  bool posted = false;
  lifetime->post_if_alive([&] {
    // napi_closing here means the environment is shutting down but its cleanup hook has not run yet: the
    // function still exists, it just refuses the call.
    posted = settle.BlockingCall(this) == napi_ok;
    settle.Release();
  });
  // Not posted: the environment is gone or going (its thread-safe function may already be freed, so it is
  // not released either) and the task is still ours.
  if (!posted) abandon(this);
}

void AsyncTask::abandon(AsyncTask* task) noexcept {
  try {
    std::thread([task] { delete task; }).detach();
  } catch (...) {
    // No thread to delete it on: leaking the task (and the model it holds) beats a deadlock or a crash.
  }
}

void settle_on_js_thread(Napi::Env env, Napi::Function, std::nullptr_t*, AsyncTask* task) {
  if (task == nullptr) return;
  if (env != nullptr) {
    try {
      if (task->error_) {
        Napi::Error error = make_js_error(env, *task->error_);
        task->annotate(env, error.Value());
        task->deferred_.Reject(error.Value());
      } else {
        Napi::Value value = task->resolve_value(env);
        if (value.IsObject()) task->annotate(env, value.As<Napi::Object>());
        task->deferred_.Resolve(value);
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
  // destructor may join a thread pool the task ran on.
  delete task;
}

}  // namespace ce::binding
