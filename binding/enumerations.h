// The core's enumerations as frozen JS arrays, so lib/ can check its literal types against the one list.
#pragma once

#include <napi.h>

namespace ce::binding {

// CE_ERROR_CODES' strings ("ERR_INVALID_ARGUMENT", ...), in declaration order.
Napi::Array error_code_names(Napi::Env env);
// CE_ACTIVATIONS' names ("default", "identity", ...), in declaration order.
Napi::Array activation_names(Napi::Env env);
// CE_PRECISIONS' names ("fp32", "bf16", "int8"), in declaration order.
Napi::Array precision_names(Napi::Env env);

}  // namespace ce::binding
