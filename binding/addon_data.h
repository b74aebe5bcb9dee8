// Per-environment state of the addon: constructors, the environment's lifetime flag and its live model handles.
#pragma once

#include <memory>

#include <napi.h>

#include "env_lifetime.h"
#include "model_handle.h"

namespace ce::binding {

struct AddonData {
  Napi::FunctionReference model_handle_class;
  Napi::FunctionReference cancel_token_class;
  SharedEnvLifetime lifetime = std::make_shared<EnvLifetime>();
  // Handles not yet finalized; closed by the environment cleanup hook.
  std::shared_ptr<HandleRegistry> live_handles = std::make_shared<HandleRegistry>();
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace ce::binding
