// The JS object that owns a loaded model: info, synchronous tokenize, asynchronous predict, dispose.
#include "model_handle.h"

#include <string>
#include <utility>

#include "addon_data.h"
#include "common/error.h"
#include "js_error.h"
#include "js_options.h"
#include "js_pairs.h"
#include "predict_task.h"
#include "runtime/thread_pool.h"

namespace ce::binding {
namespace {

Napi::Array to_number_array(Napi::Env env, const std::vector<int32_t>& values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, values[i]));
  return array;
}

}  // namespace

Napi::Function ModelHandle::define_class(Napi::Env env) {
  return DefineClass(env, "ModelHandle",
                     {InstanceMethod<&ModelHandle::info>("info"),
                      InstanceMethod<&ModelHandle::tokenize>("tokenize"),
                      InstanceMethod<&ModelHandle::predict>("predict"),
                      InstanceMethod<&ModelHandle::stats>("stats"),
                      InstanceMethod<&ModelHandle::dispose>("dispose")});
}

Napi::Object ModelHandle::create(Napi::Env env, std::shared_ptr<CrossEncoderModel> model) {
  // The constructor only accepts this External, so JS code cannot build a handle around nothing.
  auto external = Napi::External<std::shared_ptr<CrossEncoderModel>>::New(env, &model);
  return addon_data(env).model_handle_class.New({external});
}

ModelHandle::ModelHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "ModelHandle cannot be constructed directly; use load()");
  }
  model_ = *info[0].As<Napi::External<std::shared_ptr<CrossEncoderModel>>>().Data();
  if (!model_) throw Napi::TypeError::New(info.Env(), "ModelHandle: empty model");
  registry_ = addon_data(info.Env()).live_handles;
  registry_->insert(this);
}

ModelHandle::~ModelHandle() { registry_->erase(this); }

void ModelHandle::close_all(HandleRegistry& registry) {
  // Releasing a model may join a thread pool; this is the environment's JS thread, never a pool thread, and
  // running jobs hold references of their own.
  for (ModelHandle* handle : registry) {
    // Queued calls end now (their environment is gone, so nobody sees them); a running pass finishes.
    if (handle->model_) handle->model_->scheduler().drop_queued();
    handle->model_.reset();
  }
}

std::shared_ptr<CrossEncoderModel> ModelHandle::live_model(Napi::Env env) const {
  if (!model_) {
    throw make_js_error(env, {ce::error_code_name(ErrorCode::Disposed), "the model has been disposed"});
  }
  return model_;
}

Napi::Value ModelHandle::info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<CrossEncoderModel> model = live_model(env);
  Napi::Object result = Napi::Object::New(env);
  result.Set("numLabels", Napi::Number::New(env, model->num_labels()));
  result.Set("maxLength", Napi::Number::New(env, static_cast<double>(model->max_length())));
  // The tokens a pair gets around its texts ([CLS] a [SEP] b [SEP] for BERT): maxLength cannot go below it.
  result.Set("pairSpecialTokens", Napi::Number::New(env, static_cast<double>(model->pair_special_tokens())));
  result.Set("family", Napi::String::New(env, model->info().family));
  result.Set("architecture", Napi::String::New(env, model->info().architecture));
  const auto& labels = model->info().labels;
  Napi::Array js_labels = Napi::Array::New(env, labels.size());
  for (size_t i = 0; i < labels.size(); ++i) js_labels.Set(static_cast<uint32_t>(i), Napi::String::New(env, labels[i]));
  result.Set("labels", js_labels);
  result.Set("defaultActivation", Napi::String::New(env, activation_name(model->default_activation())));
  result.Set("threads", Napi::Number::New(env, model->pool().size()));
  // The scheduler's effective limits (the load options, or their defaults), for callers that report them.
  const ce::SchedulerOptions& scheduling = model->scheduler().options();
  result.Set("maxBatchTokens", Napi::Number::New(env, static_cast<double>(scheduling.max_batch_tokens)));
  result.Set("maxQueuedPairs", Napi::Number::New(env, static_cast<double>(scheduling.max_queued_pairs)));
  const WeightsSummary& weights = model->weights_summary();
  Napi::Object dtypes = Napi::Object::New(env);
  for (const auto& [dtype, count] : weights.parameters_by_dtype)
    dtypes.Set(dtype, Napi::Number::New(env, static_cast<double>(count)));
  result.Set("weightDtypes", dtypes);
  result.Set("parameters", Napi::Number::New(env, static_cast<double>(weights.parameters)));
  result.Set("weightBytes", Napi::Number::New(env, static_cast<double>(weights.file_bytes)));
  result.Set("gemmKernel", Napi::String::New(env, model->gemm_kernel_name()));
  result.Set("precision", Napi::String::New(env, precision_name(model->precision())));
  result.Set("layerFormats", Napi::String::New(env, model->precision_plan().describe()));
  return result;
}

Napi::Value ModelHandle::tokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<CrossEncoderModel> model = live_model(env);
  if (!info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "tokenize: expected two strings");
  }
  std::string a = info[0].As<Napi::String>().Utf8Value();
  std::string b = info[1].As<Napi::String>().Utf8Value();
  try {
    PairEncoding encoding = model->tokenize(a, b);
    Napi::Object result = Napi::Object::New(env);
    result.Set("inputIds", to_number_array(env, encoding.input_ids));
    result.Set("tokenTypeIds", to_number_array(env, encoding.token_type_ids));
    return result;
  } catch (...) {
    rethrow_as_js(env);
  }
}

Napi::Value ModelHandle::predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // The call owns its model reference from here on: copying the pairs runs JS, which may dispose the handle.
  std::shared_ptr<CrossEncoderModel> model = live_model(env);
  try {
    std::vector<TextPair> pairs = copy_pairs(env, info[0]);
    OwnedPredictOptions options = read_predict_options(env, info[1]);
    // Synchronously, before any work is queued: a call that does not fit throws ERR_OVERLOADED here. (After the
    // copy: an array's claimed length is not to be trusted, and lib/ has copied the pairs already anyway.)
    model->scheduler().check_admission(pairs.size());
    return submit_predict(env, std::move(model), std::move(pairs), std::move(options));
  } catch (...) {
    rethrow_as_js(env);  // e.g. bad_alloc from a huge string: a JS error, not std::terminate
  }
}

Napi::Value ModelHandle::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const SchedulerStats stats = live_model(env)->scheduler().stats();
  Napi::Object result = Napi::Object::New(env);
  auto set = [&](const char* name, double value) { result.Set(name, Napi::Number::New(env, value)); };
  set("queuedCalls", static_cast<double>(stats.queued_calls));
  set("queuedPairs", static_cast<double>(stats.queued_pairs));
  set("runningCalls", static_cast<double>(stats.running_calls));
  set("runningPairs", static_cast<double>(stats.running_pairs));
  set("completedCalls", static_cast<double>(stats.completed_calls));
  set("rejectedCalls", static_cast<double>(stats.rejected_calls));
  set("cancelledCalls", static_cast<double>(stats.cancelled_calls));
  set("timedOutCalls", static_cast<double>(stats.timed_out_calls));
  set("failedCalls", static_cast<double>(stats.failed_calls));
  set("batches", static_cast<double>(stats.batches));
  set("pairs", static_cast<double>(stats.pairs));
  set("tokens", static_cast<double>(stats.tokens));
  return result;
}

Napi::Value ModelHandle::dispose(const Napi::CallbackInfo& info) {
  // Calls none of whose pairs have started reject with ERR_DISPOSED; running calls finish. Runs on the JS
  // thread; if this was the last reference the pool is joined here, which is allowed (it is not one of the
  // pool's threads). Calls in flight hold their own references.
  if (model_) model_->scheduler().drop_queued();
  model_.reset();
  return info.Env().Undefined();
}

}  // namespace ce::binding
