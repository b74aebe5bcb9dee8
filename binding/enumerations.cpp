// The core's enumerations as frozen JS arrays, so lib/ can check its literal types against the one list.
#include "enumerations.h"

#include <cstddef>

#include "api/activation.h"
#include "common/error.h"
#include "model/precision.h"

namespace ce::binding {
namespace {

template <size_t N>
Napi::Array frozen_string_array(Napi::Env env, const char* const (&names)[N]) {
  Napi::Array array = Napi::Array::New(env, N);
  for (size_t i = 0; i < N; ++i) array.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  array.Freeze();
  return array;
}

}  // namespace

Napi::Array error_code_names(Napi::Env env) {
  static constexpr const char* names[] = {
#define CE_ERROR_CODE_TEXT(name, text) text,
      CE_ERROR_CODES(CE_ERROR_CODE_TEXT)
#undef CE_ERROR_CODE_TEXT
  };
  return frozen_string_array(env, names);
}

Napi::Array activation_names(Napi::Env env) {
  static constexpr const char* names[] = {
#define CE_ACTIVATION_TEXT(name, text) text,
      CE_ACTIVATIONS(CE_ACTIVATION_TEXT)
#undef CE_ACTIVATION_TEXT
  };
  return frozen_string_array(env, names);
}

Napi::Array precision_names(Napi::Env env) {
  static constexpr const char* names[] = {
#define CE_PRECISION_TEXT(name, text) text,
      CE_PRECISIONS(CE_PRECISION_TEXT)
#undef CE_PRECISION_TEXT
  };
  return frozen_string_array(env, names);
}

}  // namespace ce::binding
