// Reads the options objects of load() and predict() by name into the core's structs, so a new knob changes
// no signature. TS has validated every field already; these checks only keep misuse from crashing.
#pragma once

#include <atomic>
#include <memory>

#include <napi.h>

#include "api/cross_encoder.h"

namespace ce::binding {

// { threads?, maxLength?, embeddingsInMemory?, maxBatchTokens?, maxQueuedPairs?, precision? } (precision by
// name, CE_PRECISIONS); undefined (or a missing field) keeps LoadOptions' default.
LoadOptions read_load_options(Napi::Env env, Napi::Value value);

class CancelToken;

// PredictOptions plus the owner of the cancellation flag it points to, and the scheduler's view of the call.
struct OwnedPredictOptions {
  PredictOptions options;
  std::shared_ptr<std::atomic<bool>> cancel_flag;
  CallOptions call;
  CancelToken* cancel_token = nullptr;  // JS thread only, valid during the predict() call that read it
};

// { activation?, batchSize?, cancel?, priority?, timeout? }: activation by name (CE_ACTIVATIONS), cancel a
// CancelToken, priority an integer >= 0, timeout milliseconds >= 1. batchSize is checked and otherwise unused:
// the scheduler batches by tokens across calls.
OwnedPredictOptions read_predict_options(Napi::Env env, Napi::Value value);

}  // namespace ce::binding
