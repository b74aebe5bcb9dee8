// Typed errors of the core: every failure the user can cause or meet carries a stable code and a message.
#pragma once

#include <stdexcept>
#include <string>

namespace ce {

enum class ErrorCode {
  InvalidArgument,          // a caller passed a bad value (the message names it)
  FileNotFound,             // model directory or a required file is missing
  FileUnreadable,           // exists but cannot be opened / mapped / read
  InvalidConfig,            // config.json malformed or inconsistent
  UnsupportedArchitecture,  // architecture / model_type / activation we do not run
  InvalidSafetensors,       // header, offsets, dtype, shapes do not describe the file
  MissingTensor,            // a tensor the architecture needs is absent
  InvalidTokenizer,         // tokenizer files malformed, or required special tokens missing
  Cancelled,                // the caller aborted the operation
  Disposed,                 // used after dispose()
  Internal,                 // a bug: an invariant of ours broke
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
