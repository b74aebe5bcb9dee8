// predict: scores copied text pairs on the core's thread pool and resolves to a Float32Array.
#include "predict_task.h"

#include <cstring>
#include <utility>

#include "async_task.h"
#include "runtime/thread_pool.h"

namespace ce::binding {
namespace {

class PredictTask final : public AsyncTask {
 public:
  PredictTask(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
              OwnedPredictOptions options)
      : AsyncTask(env, "cross-encoder:predict"),
        model_(std::move(model)),
        pairs_(std::move(pairs)),
        options_(std::move(options)) {}

 protected:
  void execute() override {
    scores_ = model_->predict(pairs_, options_.options);
    // The texts can be large; free them on the worker rather than later on the JS thread.
    std::vector<TextPair>().swap(pairs_);
  }

  Napi::Value resolve_value(Napi::Env env) override {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, scores_.size() * sizeof(float));
    if (!scores_.empty()) std::memcpy(buffer.Data(), scores_.data(), scores_.size() * sizeof(float));
    return Napi::Float32Array::New(env, scores_.size(), buffer, 0);
  }

 private:
  // Released with the task, on the JS thread (see settle_on_js_thread) or, when the environment is gone, on a
  // thread of its own (AsyncTask::abandon): never on a pool thread.
  std::shared_ptr<CrossEncoderModel> model_;
  std::vector<TextPair> pairs_;
  OwnedPredictOptions options_;
  std::vector<float> scores_;
};

}  // namespace

Napi::Promise submit_predict(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
                             OwnedPredictOptions options) {
  ThreadPool& pool = model->pool();
  auto* task = new PredictTask(env, std::move(model), std::move(pairs), std::move(options));
  Napi::Promise promise = task->promise();
  try {
    // The lambda captures only the raw task: the pool destroys the std::function on its own thread, so it
    // must not own a model reference.
    pool.submit([task] { task->run_and_settle(); });
  } catch (...) {
    task->fail_and_settle(capture_error(std::current_exception()));
  }
  return promise;
}

}  // namespace ce::binding
