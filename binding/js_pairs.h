// Copies a JS array of [string, string] pairs into core TextPairs, treating every element access as hostile.
#pragma once

#include <vector>

#include <napi.h>

#include "api/cross_encoder.h"

namespace ce::binding {

// JS thread. Throws a Napi::TypeError naming the bad index; a throwing getter's exception passes through.
std::vector<TextPair> copy_pairs(Napi::Env env, Napi::Value value);

}  // namespace ce::binding
