// String names of the core's error codes.
#include "common/error.h"

namespace ce {

const char* error_code_name(ErrorCode code) {
  switch (code) {
#define CE_ERROR_CASE(name, text) \
  case ErrorCode::name:           \
    return text;
    CE_ERROR_CODES(CE_ERROR_CASE)
#undef CE_ERROR_CASE
  }
  return "ERR_INTERNAL";
}

}  // namespace ce
