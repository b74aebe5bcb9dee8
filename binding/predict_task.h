// predict: posts copied text pairs to the model's scheduler and resolves to a Float32Array when the call ends.
#pragma once

#include <memory>
#include <vector>

#include <napi.h>

#include "api/cross_encoder.h"
#include "js_options.h"

namespace ce::binding {

// JS thread. Posts the call to model->scheduler(); the pending task keeps `model` alive until it has settled.
// A token in options.cancel_token is bound to the call (its cancel() ends the call at once).
Napi::Promise submit_predict(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
                             OwnedPredictOptions options);

}  // namespace ce::binding
