// Per-environment state of the addon: constructors the binding needs to create JS objects from C++.
#pragma once

#include <napi.h>

namespace ce::binding {

struct AddonData {
  Napi::FunctionReference model_handle_class;
  Napi::FunctionReference cancel_token_class;
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace ce::binding
