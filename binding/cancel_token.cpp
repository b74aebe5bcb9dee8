// A JS-visible cancellation flag shared with native jobs and the scheduler's calls bound to it.
#include "cancel_token.h"

#include "addon_data.h"

namespace ce::binding {

Napi::Function CancelToken::define_class(Napi::Env env) {
  return DefineClass(env, "CancelToken",
                     {InstanceMethod<&CancelToken::cancel>("cancel"),
                      InstanceAccessor<&CancelToken::cancelled>("cancelled")});
}

CancelToken* CancelToken::from_value(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) return nullptr;
  Napi::Object object = value.As<Napi::Object>();
  if (!object.InstanceOf(addon_data(env).cancel_token_class.Value())) return nullptr;
  // instanceof only looks at the prototype chain (Object.create(CancelToken.prototype) passes it), so the
  // object may still wrap nothing.
  void* wrapped = nullptr;
  if (napi_unwrap(env, object, &wrapped) != napi_ok) return nullptr;
  return static_cast<CancelToken*>(wrapped);
}

CancelToken::CancelToken(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<CancelToken>(info), flag_(std::make_shared<std::atomic<bool>>(false)) {}

Napi::Value CancelToken::cancel(const Napi::CallbackInfo& info) {
  flag_->store(true, std::memory_order_relaxed);
  std::vector<CallTicket> calls;
  calls.swap(calls_);
  for (const CallTicket& call : calls) call.cancel(ErrorCode::Cancelled);
  return info.Env().Undefined();
}

void CancelToken::bind(const CallTicket& call) {
  if (flag_->load(std::memory_order_relaxed)) {
    call.cancel(ErrorCode::Cancelled);
    return;
  }
  calls_.push_back(call);
}

Napi::Value CancelToken::cancelled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), flag_->load(std::memory_order_relaxed));
}

}  // namespace ce::binding
