// Reads the options objects of load() and predict() by name into the core's structs.
#include "js_options.h"

#include <cmath>
#include <optional>
#include <string>

#include "cancel_token.h"

namespace ce::binding {
namespace {

// The options object itself: undefined means "all defaults". Reading a field may run a getter, which may
// throw (a JS exception, passed on) or return anything (type-checked below).
std::optional<Napi::Object> options_object(Napi::Env env, Napi::Value value, const char* where) {
  if (value.IsUndefined()) return std::nullopt;
  if (!value.IsObject()) throw Napi::TypeError::New(env, std::string(where) + ": expected an options object");
  return value.As<Napi::Object>();
}

// A whole number in [min, max], or nullopt when the field is undefined.
std::optional<double> integer_field(Napi::Env env, const std::optional<Napi::Object>& options, const char* where,
                                    const char* name, double min, double max) {
  if (!options) return std::nullopt;
  Napi::Value value = options->Get(name);
  if (value.IsUndefined()) return std::nullopt;
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string(where) + ": expected a number for " + name);
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= min && number <= max && std::floor(number) == number)) {
    throw Napi::RangeError::New(env, std::string(where) + ": expected an integer from " + std::to_string(
        static_cast<long long>(min)) + " to " + std::to_string(static_cast<long long>(max)) + " for " + name);
  }
  return number;
}

}  // namespace

LoadOptions read_load_options(Napi::Env env, Napi::Value value) {
  const char* where = "load";
  std::optional<Napi::Object> options = options_object(env, value, where);
  LoadOptions load;
  // 0 keeps its meaning from LoadOptions (physical cores / the model's own limit).
  if (auto threads = integer_field(env, options, where, "threads", 0, 1 << 16)) load.threads = static_cast<int>(*threads);
  if (auto max_length = integer_field(env, options, where, "maxLength", 0, 1 << 30)) {
    load.max_length = static_cast<size_t>(*max_length);
  }
  if (auto tokens = integer_field(env, options, where, "maxBatchTokens", 1, 1 << 30)) {
    load.max_batch_tokens = static_cast<size_t>(*tokens);
  }
  if (auto pairs = integer_field(env, options, where, "maxQueuedPairs", 1, 1 << 30)) {
    load.max_queued_pairs = static_cast<size_t>(*pairs);
  }
  if (options) {
    Napi::Value in_memory = options->Get("embeddingsInMemory");
    if (!in_memory.IsUndefined()) {
      if (!in_memory.IsBoolean()) throw Napi::TypeError::New(env, "load: expected a boolean for embeddingsInMemory");
      load.embeddings_in_memory = in_memory.As<Napi::Boolean>().Value();
    }
    Napi::Value precision = options->Get("precision");
    if (!precision.IsUndefined()) {
      if (!precision.IsString()) throw Napi::TypeError::New(env, "load: expected a string for precision");
      const std::string name = precision.As<Napi::String>().Utf8Value();
      std::optional<Precision> parsed = precision_from_name(name);
      if (!parsed) {
        throw Napi::TypeError::New(env, "load: unknown precision '" + name + "' (expected one of " +
                                            precision_names() + ")");
      }
      load.precision = *parsed;
    }
  }
  return load;
}

OwnedPredictOptions read_predict_options(Napi::Env env, Napi::Value value) {
  const char* where = "predict";
  std::optional<Napi::Object> options = options_object(env, value, where);
  OwnedPredictOptions owned;
  PredictOptions& predict = owned.options;
  if (options) {
    Napi::Value activation = options->Get("activation");
    if (!activation.IsUndefined()) {
      if (!activation.IsString()) throw Napi::TypeError::New(env, "predict: expected a string for activation");
      std::string name = activation.As<Napi::String>().Utf8Value();
      std::optional<Activation> parsed = activation_from_name(name);
      if (!parsed) throw Napi::TypeError::New(env, "predict: unknown activation '" + name + "'");
      predict.activation = *parsed;
    }
  }
  // 2^53 - 1: the largest integer a double holds exactly.
  if (auto batch_size = integer_field(env, options, where, "batchSize", 1, 9007199254740991.0)) {
    predict.batch_size = static_cast<size_t>(*batch_size);
  }
  if (options) {
    Napi::Value cancel = options->Get("cancel");
    if (!cancel.IsUndefined() && !cancel.IsNull()) {
      CancelToken* token = CancelToken::from_value(env, cancel);
      if (token == nullptr) throw Napi::TypeError::New(env, "predict: expected a CancelToken for cancel");
      owned.cancel_flag = token->flag();
      owned.cancel_token = token;
    }
  }
  if (auto priority = integer_field(env, options, where, "priority", 0, 1 << 30)) {
    owned.call.priority = static_cast<int64_t>(*priority);
  }
  // Up to 2^31 - 1 ms (~24 days), setTimeout's own limit.
  if (auto timeout = integer_field(env, options, where, "timeout", 1, 2147483647.0)) {
    owned.call.timeout = std::chrono::milliseconds(static_cast<int64_t>(*timeout));
  }
  owned.call.activation = predict.activation;
  // Set last: the flag's owner travels with the options, the core reads it through this pointer.
  predict.cancel = owned.cancel_flag.get();
  return owned;
}

}  // namespace ce::binding
