// Typed errors of the core: every failure the user can cause or meet carries a stable code and a message.
#pragma once

#include <stdexcept>
#include <string>

namespace ce {

// The one list of error codes: C++ enumerator, the stable string the binding puts on a JS error's `code`
// (the addon exports the list; lib/errors.ts is checked against it), and what it means.
#define CE_ERROR_CODES(X)                                                                             \
  X(InvalidArgument, "ERR_INVALID_ARGUMENT")                  /* a caller passed a bad value */       \
  X(FileNotFound, "ERR_FILE_NOT_FOUND")                       /* model directory or file missing */   \
  X(FileUnreadable, "ERR_FILE_UNREADABLE")                    /* exists but cannot be read */         \
  X(InvalidConfig, "ERR_INVALID_CONFIG")                      /* config.json malformed */             \
  X(UnsupportedArchitecture, "ERR_UNSUPPORTED_ARCHITECTURE")  /* a model family we do not run */      \
  X(InvalidSafetensors, "ERR_INVALID_SAFETENSORS")            /* header/offsets/dtype/shape bad */    \
  X(MissingTensor, "ERR_MISSING_TENSOR")                      /* a tensor the family needs */         \
  X(InvalidTokenizer, "ERR_INVALID_TOKENIZER")                /* tokenizer files malformed */         \
  X(UnsupportedTokenizer, "ERR_UNSUPPORTED_TOKENIZER")        /* a tokenizer component we lack */     \
  X(Cancelled, "ERR_CANCELLED")                               /* the caller aborted */                \
  X(Disposed, "ERR_DISPOSED")                                 /* used after dispose() */              \
  X(Overloaded, "ERR_OVERLOADED")                             /* the queue is full: call rejected */  \
  X(Timeout, "ERR_TIMEOUT")                                   /* the call's deadline passed */        \
  X(Internal, "ERR_INTERNAL")                                 /* a bug: an invariant of ours broke */

enum class ErrorCode {
#define CE_ERROR_ENUMERATOR(name, text) name,
  CE_ERROR_CODES(CE_ERROR_ENUMERATOR)
#undef CE_ERROR_ENUMERATOR
};

// Stable string form, e.g. "ERR_INVALID_SAFETENSORS"; the binding puts it on the JS error's `code`.
const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace ce
