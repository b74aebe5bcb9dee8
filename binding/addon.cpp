// Entry point of cross_encoder.node: registers load(), ModelHandle, CancelToken, the shared enumerations and
// the per-environment cleanup.
#include <napi.h>

#include "addon_data.h"
#include "cancel_token.h"
#include "enumerations.h"
#include "load_task.h"
#include "model_handle.h"

namespace ce::binding {
namespace {

// Runs when the environment (a Worker's, or the main thread's at exit) goes away, before Node frees its
// thread-safe functions (better-sqlite3's Addon::Cleanup). Instance data would be too late: it is finalized
// after them.
void cleanup_environment(AddonData* data) {
  data->lifetime->end();  // first: from here on no core thread posts into this environment
  ModelHandle::close_all(*data->live_handles);
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted by node-addon-api when the environment goes away
  env.AddCleanupHook(cleanup_environment, data);
  Napi::Function model_handle = ModelHandle::define_class(env);
  Napi::Function cancel_token = CancelToken::define_class(env);
  data->model_handle_class = Napi::Persistent(model_handle);
  data->cancel_token_class = Napi::Persistent(cancel_token);
  exports.Set("load", Napi::Function::New<load_model>(env, "load"));
  exports.Set("CancelToken", cancel_token);
  exports.Set("errorCodes", error_code_names(env));
  exports.Set("activations", activation_names(env));
  exports.Set("precisions", precision_names(env));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace
}  // namespace ce::binding

// NODE_API_MODULE pastes the function name into an identifier, so it needs an unqualified name.
static Napi::Object init_addon(Napi::Env env, Napi::Object exports) { return ce::binding::init(env, exports); }

NODE_API_MODULE(cross_encoder, init_addon)
