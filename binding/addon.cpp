// Entry point of cross_encoder.node: registers load(), ModelHandle and CancelToken.
#include <napi.h>

#include "addon_data.h"
#include "cancel_token.h"
#include "load_task.h"
#include "model_handle.h"

namespace ce::binding {
namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted by node-addon-api when the environment goes away
  Napi::Function model_handle = ModelHandle::define_class(env);
  Napi::Function cancel_token = CancelToken::define_class(env);
  data->model_handle_class = Napi::Persistent(model_handle);
  data->cancel_token_class = Napi::Persistent(cancel_token);
  exports.Set("load", Napi::Function::New<load_model>(env, "load"));
  exports.Set("CancelToken", cancel_token);
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace
}  // namespace ce::binding

// NODE_API_MODULE pastes the function name into an identifier, so it needs an unqualified name.
static Napi::Object init_addon(Napi::Env env, Napi::Object exports) { return ce::binding::init(env, exports); }

NODE_API_MODULE(cross_encoder, init_addon)
