// What the plain addons (native/augment, native/optim) share: reading numeric arguments, and
// turning a C++ exception into a JS Error with its message.
#pragma once
#include <napi.h>

#include <cstdint>
#include <exception>

namespace twist_native {

inline double num(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
inline int64_t whole(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }

// F with any std::exception thrown as a JS Error carrying its message.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

}  // namespace twist_native
