// Turns C++ exceptions (ce::Error and anything else) into JS Error objects carrying a stable `code`.
#pragma once

#include <exception>
#include <string>

#include <napi.h>

namespace ce::binding {

// A failure captured on a worker thread, to be turned into a JS error later on the JS thread.
struct CapturedError {
  std::string code;     // e.g. "ERR_INVALID_SAFETENSORS"; "ERR_INTERNAL" for non-ce exceptions
  std::string message;
};

// Classifies `error` (never rethrows out of this function). Safe on any thread.
CapturedError capture_error(std::exception_ptr error) noexcept;

// JS-thread only: an Error with `message` and `code` set.
Napi::Error make_js_error(Napi::Env env, const CapturedError& error);

// JS-thread only, call inside a `catch (...)`: rethrows the current exception as a Napi::Error so that
// node-addon-api turns it into a JS exception instead of letting a C++ exception escape.
[[noreturn]] void rethrow_as_js(Napi::Env env);

}  // namespace ce::binding
