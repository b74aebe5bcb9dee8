// load(dir, options): reads a model on a short-lived thread of its own and resolves to a ModelHandle.
#include "load_task.h"

#include <cmath>
#include <memory>
#include <string>
#include <thread>

#include "api/cross_encoder.h"
#include "async_task.h"
#include "model_handle.h"

namespace ce::binding {
namespace {

class LoadTask final : public AsyncTask {
 public:
  LoadTask(Napi::Env env, std::string model_dir, LoadOptions options)
      : AsyncTask(env, "cross-encoder:load"), model_dir_(std::move(model_dir)), options_(options) {}

 protected:
  void execute() override { model_ = CrossEncoderModel::load(model_dir_, options_); }
  Napi::Value resolve_value(Napi::Env env) override { return ModelHandle::create(env, std::move(model_)); }

 private:
  std::string model_dir_;
  LoadOptions options_;
  std::shared_ptr<CrossEncoderModel> model_;
};

// A non-negative integer argument that fits the target type; TS validated already, this is the safety net.
double integer_argument(const Napi::CallbackInfo& info, size_t index, const char* name, double max) {
  if (!info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("load: expected a number for ") + name);
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= 0 && value <= max && std::floor(value) == value)) {
    throw Napi::RangeError::New(info.Env(), std::string("load: expected a non-negative integer for ") + name);
  }
  return value;
}

}  // namespace

Napi::Value load_model(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "load: expected a string for modelDir");
  LoadOptions options;
  options.threads = static_cast<int>(integer_argument(info, 1, "threads", 1 << 16));
  options.max_length = static_cast<size_t>(integer_argument(info, 2, "maxLength", 1 << 30));
  if (!info[3].IsBoolean()) throw Napi::TypeError::New(env, "load: expected a boolean for embeddingsInMemory");
  options.embeddings_in_memory = info[3].As<Napi::Boolean>().Value();
  auto* task = new LoadTask(env, info[0].As<Napi::String>().Utf8Value(), options);
  Napi::Promise promise = task->promise();
  try {
    // Loading maps and converts weights (can take seconds): a thread of its own keeps both the JS thread
    // and libuv's small shared pool free.
    std::thread([task] { task->run_and_settle(); }).detach();
  } catch (...) {
    task->fail_and_settle(capture_error(std::current_exception()));
  }
  return promise;
}

}  // namespace ce::binding
