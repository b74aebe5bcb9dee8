// String names of the core's error codes.
#include "common/error.h"

namespace ce {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "ERR_INVALID_ARGUMENT";
    case ErrorCode::FileNotFound: return "ERR_FILE_NOT_FOUND";
    case ErrorCode::FileUnreadable: return "ERR_FILE_UNREADABLE";
    case ErrorCode::InvalidConfig: return "ERR_INVALID_CONFIG";
    case ErrorCode::UnsupportedArchitecture: return "ERR_UNSUPPORTED_ARCHITECTURE";
    case ErrorCode::InvalidSafetensors: return "ERR_INVALID_SAFETENSORS";
    case ErrorCode::MissingTensor: return "ERR_MISSING_TENSOR";
    case ErrorCode::InvalidTokenizer: return "ERR_INVALID_TOKENIZER";
    case ErrorCode::Cancelled: return "ERR_CANCELLED";
    case ErrorCode::Disposed: return "ERR_DISPOSED";
    case ErrorCode::Internal: return "ERR_INTERNAL";
  }
  return "ERR_INTERNAL";
}

}  // namespace ce
