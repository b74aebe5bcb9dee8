// predict: scores copied text pairs on the model's own thread pool and resolves to a Float32Array.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <napi.h>

#include "api/cross_encoder.h"
#include "cancel_token.h"

namespace ce::binding {

// JS thread. Queues the job on model->pool(); the job keeps `model` alive until it has settled.
Napi::Promise submit_predict(Napi::Env env, std::shared_ptr<CrossEncoderModel> model, std::vector<TextPair> pairs,
                             Activation activation, size_t batch_size,
                             std::shared_ptr<std::atomic<bool>> cancel_flag);

}  // namespace ce::binding
