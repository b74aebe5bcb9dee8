// The JS object that owns a loaded model: info, synchronous tokenize, asynchronous predict, dispose.
#pragma once

#include <memory>

#include <napi.h>

#include "api/cross_encoder.h"

namespace ce::binding {

class ModelHandle : public Napi::ObjectWrap<ModelHandle> {
 public:
  static Napi::Function define_class(Napi::Env env);
  // JS thread: wraps `model` in a new ModelHandle object.
  static Napi::Object create(Napi::Env env, std::shared_ptr<CrossEncoderModel> model);

  explicit ModelHandle(const Napi::CallbackInfo& info);

 private:
  // info() -> { numLabels, maxLength, labels, defaultActivation, threads }
  Napi::Value info(const Napi::CallbackInfo& info);
  // tokenize(a, b) -> { inputIds: number[], tokenTypeIds: number[] }
  Napi::Value tokenize(const Napi::CallbackInfo& info);
  // predict(pairs: [string, string][], activation, batchSize, cancelToken?) -> Promise<Float32Array>
  Napi::Value predict(const Napi::CallbackInfo& info);
  // dispose(): drops this handle's reference; in-flight jobs keep their own.
  Napi::Value dispose(const Napi::CallbackInfo& info);

  const std::shared_ptr<CrossEncoderModel>& live_model(Napi::Env env) const;

  std::shared_ptr<CrossEncoderModel> model_;
};

}  // namespace ce::binding
