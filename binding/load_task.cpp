// load(dir, options): reads a model on a short-lived thread of its own and resolves to a ModelHandle.
#include "load_task.h"

#include <memory>
#include <string>
#include <thread>

#include "api/cross_encoder.h"
#include "async_task.h"
#include "js_options.h"
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

}  // namespace

Napi::Value load_model(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "load: expected a string for modelDir");
  std::string model_dir = info[0].As<Napi::String>().Utf8Value();
  // A NUL inside the path (which the file APIs would cut short) is the core's InvalidArgument: one check.
  LoadOptions options = read_load_options(env, info[1]);
  auto* task = new LoadTask(env, std::move(model_dir), options);
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
