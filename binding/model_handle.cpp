// The JS object that owns a loaded model: info, synchronous tokenize, asynchronous predict, dispose.
#include "model_handle.h"

#include <cmath>
#include <string>
#include <utility>

#include "addon_data.h"
#include "common/error.h"
#include "js_error.h"
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
}

const std::shared_ptr<CrossEncoderModel>& ModelHandle::live_model(Napi::Env env) const {
  if (!model_) {
    throw make_js_error(env, {ce::error_code_name(ErrorCode::Disposed), "the model has been disposed"});
  }
  return model_;
}

Napi::Value ModelHandle::info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& model = live_model(env);
  Napi::Object result = Napi::Object::New(env);
  result.Set("numLabels", Napi::Number::New(env, model->num_labels()));
  result.Set("maxLength", Napi::Number::New(env, static_cast<double>(model->max_length())));
  const auto& labels = model->config().labels;
  Napi::Array js_labels = Napi::Array::New(env, labels.size());
  for (size_t i = 0; i < labels.size(); ++i) js_labels.Set(static_cast<uint32_t>(i), Napi::String::New(env, labels[i]));
  result.Set("labels", js_labels);
  result.Set("defaultActivation", Napi::String::New(env, activation_name(model->default_activation())));
  result.Set("threads", Napi::Number::New(env, model->pool().size()));
  const WeightsSummary& weights = model->weights_summary();
  Napi::Object dtypes = Napi::Object::New(env);
  for (const auto& [dtype, count] : weights.parameters_by_dtype)
    dtypes.Set(dtype, Napi::Number::New(env, static_cast<double>(count)));
  result.Set("weightDtypes", dtypes);
  result.Set("parameters", Napi::Number::New(env, static_cast<double>(weights.parameters)));
  result.Set("weightBytes", Napi::Number::New(env, static_cast<double>(weights.file_bytes)));
  result.Set("gemmKernel", Napi::String::New(env, model->gemm_kernel_name()));
  return result;
}

Napi::Value ModelHandle::tokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& model = live_model(env);
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
  const auto& model = live_model(env);
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "predict: expected an array of pairs");
  Napi::Array js_pairs = info[0].As<Napi::Array>();
  std::vector<TextPair> pairs(js_pairs.Length());
  for (uint32_t i = 0; i < js_pairs.Length(); ++i) {
    Napi::Value entry = js_pairs.Get(i);
    if (!entry.IsArray() || entry.As<Napi::Array>().Length() != 2) {
      throw Napi::TypeError::New(env, "predict: pairs[" + std::to_string(i) + "] is not a pair");
    }
    Napi::Value a = entry.As<Napi::Array>().Get(0u), b = entry.As<Napi::Array>().Get(1u);
    if (!a.IsString() || !b.IsString()) {
      throw Napi::TypeError::New(env, "predict: pairs[" + std::to_string(i) + "] holds a non-string");
    }
    // Copies: the strings must outlive this call, the job reads them on a pool thread.
    pairs[i].a = a.As<Napi::String>().Utf8Value();
    pairs[i].b = b.As<Napi::String>().Utf8Value();
  }
  if (!info[1].IsString()) throw Napi::TypeError::New(env, "predict: expected a string for activation");
  std::string activation_text = info[1].As<Napi::String>().Utf8Value();
  Activation activation;
  if (activation_text == "default") activation = Activation::Default;
  else if (activation_text == "identity") activation = Activation::Identity;
  else if (activation_text == "sigmoid") activation = Activation::Sigmoid;
  else if (activation_text == "softmax") activation = Activation::Softmax;
  else throw Napi::TypeError::New(env, "predict: unknown activation '" + activation_text + "'");
  if (!info[2].IsNumber()) throw Napi::TypeError::New(env, "predict: expected a number for batchSize");
  double batch_size = info[2].As<Napi::Number>().DoubleValue();
  if (!(batch_size >= 1 && batch_size <= 9007199254740991.0 && std::floor(batch_size) == batch_size)) {
    throw Napi::RangeError::New(env, "predict: batchSize must be a positive integer");
  }
  std::shared_ptr<std::atomic<bool>> cancel_flag;
  if (!info[3].IsUndefined() && !info[3].IsNull()) {
    CancelToken* token = CancelToken::from_value(env, info[3]);
    if (token == nullptr) throw Napi::TypeError::New(env, "predict: expected a CancelToken");
    cancel_flag = token->flag();
  }
  return submit_predict(env, model, std::move(pairs), activation, static_cast<size_t>(batch_size),
                        std::move(cancel_flag));
}

Napi::Value ModelHandle::dispose(const Napi::CallbackInfo& info) {
  // Runs on the JS thread; if this was the last reference the pool is joined here, which is allowed
  // (it is not one of the pool's threads). Jobs in flight hold their own references.
  model_.reset();
  return info.Env().Undefined();
}

}  // namespace ce::binding
