// A JS-visible cancellation flag shared with native jobs: JS calls cancel(), the core polls the flag.
#pragma once

#include <atomic>
#include <memory>

#include <napi.h>

namespace ce::binding {

class CancelToken : public Napi::ObjectWrap<CancelToken> {
 public:
  static Napi::Function define_class(Napi::Env env);
  // Returns the token wrapped by `value`, or null when `value` is not a CancelToken.
  static CancelToken* from_value(Napi::Env env, Napi::Value value);

  explicit CancelToken(const Napi::CallbackInfo& info);

  // Shared so a job keeps its flag alive even when the JS token is garbage-collected first.
  std::shared_ptr<std::atomic<bool>> flag() const { return flag_; }

 private:
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value cancelled(const Napi::CallbackInfo& info);

  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace ce::binding
