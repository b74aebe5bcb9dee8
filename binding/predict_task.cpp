// predict: posts copied text pairs to the model's scheduler and resolves to a Float32Array when the call ends.
#include "predict_task.h"

#include <cstring>
#include <utility>

#include "async_task.h"
#include "cancel_token.h"

namespace ce::binding {
namespace {

class PredictTask final : public AsyncTask {
 public:
  PredictTask(Napi::Env env, std::shared_ptr<CrossEncoderModel> model)
      : AsyncTask(env, "cross-encoder:predict"), model_(std::move(model)) {}

  // Any thread (the scheduler's completion): keeps the outcome and hands the task to the JS thread.
  void finished(CallOutcome&& outcome) noexcept {
    outcome_ = std::move(outcome);
    std::optional<CapturedError> error;
    if (outcome_.error) error = capture_error(outcome_.error);
    complete(std::move(error));
  }

 protected:
  Napi::Value resolve_value(Napi::Env env) override {
    const std::vector<float>& scores = outcome_.scores;
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, scores.size() * sizeof(float));
    if (!scores.empty()) std::memcpy(buffer.Data(), scores.data(), scores.size() * sizeof(float));
    return Napi::Float32Array::New(env, scores.size(), buffer, 0);
  }

  // callStats, non-enumerable (deepEqual on two results compares scores only): what lib/ publishes per call.
  void annotate(Napi::Env env, Napi::Object target) override {
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("queueMs", Napi::Number::New(env, outcome_.queue_ms));
    stats.Set("computeMs", Napi::Number::New(env, outcome_.compute_ms));
    stats.Set("truncatedPairs", Napi::Number::New(env, static_cast<double>(outcome_.truncated_pairs)));
    target.DefineProperty(Napi::PropertyDescriptor::Value("callStats", stats, napi_default));
  }

 private:
  // Released with the task, on the JS thread (see settle_on_js_thread) or, when the environment is gone, on a
  // thread of its own (AsyncTask::abandon): never on a pool thread. It keeps the scheduler alive for the call.
  std::shared_ptr<CrossEncoderModel> model_;
  CallOutcome outcome_;
};

}  // namespace

Napi::Promise submit_predict(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
                             OwnedPredictOptions options) {
  Scheduler& scheduler = model->scheduler();
  auto* task = new PredictTask(env, std::move(model));
  Napi::Promise promise = task->promise();
  try {
    CallTicket ticket =
        scheduler.post(std::move(pairs), options.call, [task](CallOutcome&& outcome) { task->finished(std::move(outcome)); });
    if (options.cancel_token != nullptr) options.cancel_token->bind(ticket);
  } catch (...) {
    // Not admitted (the caller checked admission just before, so a race or out of memory): the completion will
    // never run.
    task->fail_and_settle(capture_error(std::current_exception()));
  }
  return promise;
}

}  // namespace ce::binding
