// A JS-visible cancellation flag shared with native jobs: JS calls cancel(), the core polls the flag, and the
// scheduled calls bound to the token are ended at once (their queued pairs leave the queue).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <napi.h>

#include "api/scheduler.h"

namespace ce::binding {

class CancelToken : public Napi::ObjectWrap<CancelToken> {
 public:
  static Napi::Function define_class(Napi::Env env);
  // Returns the token wrapped by `value`, or null when `value` is not a CancelToken.
  static CancelToken* from_value(Napi::Env env, Napi::Value value);

  explicit CancelToken(const Napi::CallbackInfo& info);

  // Shared so a job keeps its flag alive even when the JS token is garbage-collected first.
  std::shared_ptr<std::atomic<bool>> flag() const { return flag_; }
  // JS thread: cancel() will also end `call`; a token already cancelled ends it now.
  void bind(const CallTicket& call);

 private:
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value cancelled(const Napi::CallbackInfo& info);

  std::shared_ptr<std::atomic<bool>> flag_;
  std::vector<CallTicket> calls_;  // weak: an ended call or a gone scheduler makes cancel() a no-op for it
};

}  // namespace ce::binding
