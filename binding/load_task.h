// load(dir, options): reads a model on a short-lived thread of its own and resolves to a ModelHandle.
#pragma once

#include <napi.h>

namespace ce::binding {

// JS signature: load(modelDir: string, options?) -> Promise<ModelHandle> (the options: see read_load_options). threads 0 = physical cores, maxLength 0 = the model's own limit.
Napi::Value load_model(const Napi::CallbackInfo& info);

}  // namespace ce::binding
