// Turns C++ exceptions (ce::Error and anything else) into JS Error objects carrying a stable `code`.
#include "js_error.h"

#include <new>

#include "common/error.h"

namespace ce::binding {

CapturedError capture_error(std::exception_ptr error) noexcept {
  try {
    try {
      std::rethrow_exception(error);
    } catch (const ce::Error& e) {
      return {ce::error_code_name(e.code()), e.what()};
    } catch (const std::bad_alloc&) {
      return {"ERR_INTERNAL", "out of memory"};
    } catch (const std::exception& e) {
      return {"ERR_INTERNAL", std::string("internal error: ") + e.what()};
    } catch (...) {
      return {"ERR_INTERNAL", "internal error: unknown C++ exception"};
    }
  } catch (...) {
    // Building the strings above can itself throw bad_alloc; fall back to literals.
    return {};
  }
}

Napi::Error make_js_error(Napi::Env env, const CapturedError& error) {
  const std::string& code = error.code.empty() ? std::string("ERR_INTERNAL") : error.code;
  const std::string& message = error.message.empty() ? std::string("internal error") : error.message;
  Napi::Error js_error = Napi::Error::New(env, message);
  js_error.Set("code", Napi::String::New(env, code));
  return js_error;
}

void rethrow_as_js(Napi::Env env) {
  std::exception_ptr current = std::current_exception();
  try {
    std::rethrow_exception(current);
  } catch (const Napi::Error&) {
    throw;  // already a JS error (e.g. a TypeError from an argument check)
  } catch (...) {
    throw make_js_error(env, capture_error(current));
  }
}

}  // namespace ce::binding
