// predict: scores copied text pairs on the core's thread pool and resolves to a Float32Array.
#pragma once

#include <memory>
#include <vector>

#include <napi.h>

#include "api/cross_encoder.h"
#include "js_options.h"

namespace ce::binding {

// JS thread. Queues the job on model->pool(); the job keeps `model` and the cancel flag alive until it has
// settled.
Napi::Promise submit_predict(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
                             OwnedPredictOptions options);

}  // namespace ce::binding
