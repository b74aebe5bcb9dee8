// The JS object that owns a loaded model: info, synchronous tokenize, asynchronous predict, dispose.
#pragma once

#include <memory>
#include <unordered_set>

#include <napi.h>

#include "api/cross_encoder.h"

namespace ce::binding {

class ModelHandle;
// The environment's handles that still exist as objects; shared so a handle finalized during environment
// teardown can unregister without reaching AddonData. JS thread only.
using HandleRegistry = std::unordered_set<ModelHandle*>;

class ModelHandle : public Napi::ObjectWrap<ModelHandle> {
 public:
  static Napi::Function define_class(Napi::Env env);
  // JS thread: wraps `model` in a new ModelHandle object.
  static Napi::Object create(Napi::Env env, std::shared_ptr<CrossEncoderModel> model);
  // Environment cleanup hook: disposes every handle of the environment that is going away.
  static void close_all(HandleRegistry& registry);

  explicit ModelHandle(const Napi::CallbackInfo& info);
  ~ModelHandle() override;

 private:
  // info() -> { numLabels, maxLength, pairSpecialTokens, labels, defaultActivation, threads, ... }
  Napi::Value info(const Napi::CallbackInfo& info);
  // tokenize(a, b) -> { inputIds: number[], tokenTypeIds: number[] }
  Napi::Value tokenize(const Napi::CallbackInfo& info);
  // predict(pairs: [string, string][], { activation, batchSize, cancel, priority, timeout }) -> Promise<Float32Array>
  // (with a non-enumerable callStats on the result or the error); throws ERR_OVERLOADED when the queue is full.
  Napi::Value predict(const Napi::CallbackInfo& info);
  // stats() -> the scheduler's counters (SchedulerStats, camelCase).
  Napi::Value stats(const Napi::CallbackInfo& info);
  // dispose(): ends the model's calls not yet started (ERR_DISPOSED), drops this handle's reference; running
  // calls keep their own.
  Napi::Value dispose(const Napi::CallbackInfo& info);

  // A copy, never a reference to model_: anything that runs JS (a getter, a setter on Object.prototype) can
  // call dispose() on this handle while the method still uses the model.
  std::shared_ptr<CrossEncoderModel> live_model(Napi::Env env) const;

  std::shared_ptr<CrossEncoderModel> model_;
  std::shared_ptr<HandleRegistry> registry_;
};

}  // namespace ce::binding
