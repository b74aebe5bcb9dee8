// Copies a JS array of [string, string] pairs into core TextPairs, treating every element access as hostile.
#include "js_pairs.h"

#include <string>

namespace ce::binding {
namespace {

Napi::TypeError bad_pair(Napi::Env env, uint32_t index, const char* problem) {
  return Napi::TypeError::New(env, "predict: pairs[" + std::to_string(index) + "] " + problem);
}

}  // namespace

std::vector<TextPair> copy_pairs(Napi::Env env, Napi::Value value) {
  if (!value.IsArray()) throw Napi::TypeError::New(env, "predict: expected an array of pairs");
  Napi::Array js_pairs = value.As<Napi::Array>();
  // Read once: an element's getter can push or pop entries while we copy, and the copy must not follow it.
  const uint32_t count = js_pairs.Length();
  std::vector<TextPair> pairs;
  // No reserve(count): a sparse array can claim 2^32 - 1 entries; growth stops at the first hole instead.
  for (uint32_t i = 0; i < count; ++i) {
    // Each Get may run user code (a getter or a Proxy trap) that throws, mutates the arrays, disposes the
    // model or returns anything: only values checked after the read are used.
    Napi::Value entry = js_pairs.Get(i);
    if (!entry.IsArray()) throw bad_pair(env, i, "is not a pair");
    Napi::Array pair = entry.As<Napi::Array>();
    if (pair.Length() != 2) throw bad_pair(env, i, "is not a pair");
    Napi::Value a = pair.Get(0u);
    Napi::Value b = pair.Get(1u);
    if (!a.IsString() || !b.IsString()) throw bad_pair(env, i, "holds a non-string");
    // Copies: the job reads them on a pool thread after this call returns.
    pairs.push_back({a.As<Napi::String>().Utf8Value(), b.As<Napi::String>().Utf8Value()});
  }
  return pairs;
}

}  // namespace ce::binding
