// Reads the options objects of load() and predict() by name into the core's structs, so a new knob changes
// no signature. TS has validated every field already; these checks only keep misuse from crashing.
#pragma once

#include <atomic>
#include <memory>

#include <napi.h>

#include "api/cross_encoder.h"

namespace ce::binding {

// { threads?, maxLength?, embeddingsInMemory? }; undefined (or a missing field) keeps LoadOptions' default.
LoadOptions read_load_options(Napi::Env env, Napi::Value value);

// PredictOptions plus the owner of the cancellation flag it points to.
struct OwnedPredictOptions {
  PredictOptions options;
  std::shared_ptr<std::atomic<bool>> cancel_flag;
};

// { activation?, batchSize?, cancel? }: activation by name (CE_ACTIVATIONS), cancel a CancelToken.
OwnedPredictOptions read_predict_options(Napi::Env env, Napi::Value value);

}  // namespace ce::binding
