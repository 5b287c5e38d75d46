// The optimizers' inner loops in C++ (twist/optim/*.ts keep the same code in TS for machines
// without a compiler). Bit-identical to the TS: the same double arithmetic in the same order, the
// same float32 stores, no FMA contraction (-ffp-contract=off), no fast-math. A step over a ResNet-18's
// 1 M parameters takes ~15 ms in the TS loops and ~1 ms here, on the host, on every trainer's step.
#include <napi.h>

#include "napi-args.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace {

using twist_native::Guarded;
using twist_native::num;
using twist_native::whole;

// The `size` floats from `offset` of a Float32Array argument, checked to lie inside it.
float* view(const Napi::Value& v, int64_t offset, int64_t size, const char* what) {
  auto a = v.As<Napi::Float32Array>();
  if (offset < 0 || size < 0 || static_cast<size_t>(offset + size) > a.ElementLength())
    throw std::invalid_argument(std::string(what) + ": [" + std::to_string(offset) + ", " +
                                std::to_string(offset + size) + ") is outside its " +
                                std::to_string(a.ElementLength()) + " values");
  return a.Data() + offset;
}

bool flag(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Boolean>().Value(); }

// sumSquares(x, offset, size): Σ x² in double over four lanes (element k of the range into lane
// k mod 4), then (lane0 + lane1) + (lane2 + lane3).
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  const int64_t size = whole(info, 2);
  const float* x = view(info[0], whole(info, 1), size, "x");
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= size; i += 4) {
    const double a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  if (i < size) s0 += static_cast<double>(x[i]) * x[i];
  if (i + 1 < size) s1 += static_cast<double>(x[i + 1]) * x[i + 1];
  if (i + 2 < size) s2 += static_cast<double>(x[i + 2]) * x[i + 2];
  return Napi::Number::New(info.Env(), (s0 + s1) + (s2 + s3));
}

// larsUpdate(params, grads, buf, offset, size, wd, scale, momentum, first): per element
// d = (g + wd·p)·scale; b = first ? d : momentum·buf + d; buf = b; p −= b.
Napi::Value LarsUpdate(const Napi::CallbackInfo& info) {
  const int64_t off = whole(info, 3), n = whole(info, 4);
  float* p = view(info[0], off, n, "params");
  const float* g = view(info[1], off, n, "grads");
  float* buf = view(info[2], off, n, "buf");
  const double wd = num(info, 5), scale = num(info, 6), m = num(info, 7);
  const bool first = flag(info, 8);
  for (int64_t i = 0; i < n; i++) {
    const double pi = p[i];
    const double d = (g[i] + wd * pi) * scale;
    const double b = first ? d : m * buf[i] + d;
    buf[i] = static_cast<float>(b);
    p[i] = static_cast<float>(pi - b);
  }
  return info.Env().Undefined();
}

// sgdUpdate(params, grads, buf, offset, size, wd, lr, momentum, first): per element
// d = g + wd·p; b = (momentum = 0 or first) ? d : momentum·buf + d; buf = b; p −= lr·b.
Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  const int64_t off = whole(info, 3), n = whole(info, 4);
  float* p = view(info[0], off, n, "params");
  const float* g = view(info[1], off, n, "grads");
  float* buf = view(info[2], off, n, "buf");
  const double wd = num(info, 5), lr = num(info, 6), m = num(info, 7);
  const bool plain = m == 0 || flag(info, 8);
  for (int64_t i = 0; i < n; i++) {
    const double pi = p[i];
    const double d = g[i] + wd * pi;
    const double b = plain ? d : m * buf[i] + d;
    buf[i] = static_cast<float>(b);
    p[i] = static_cast<float>(pi - lr * b);
  }
  return info.Env().Undefined();
}

// adamwUpdate(params, grads, m, v, offset, size, decay, beta1, beta2, stepSize, sqrtBc2, eps): per
// element p = p·decay (stored); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g·g;
// p −= stepSize·m / (√v / sqrtBc2 + eps).
Napi::Value AdamwUpdate(const Napi::CallbackInfo& info) {
  const int64_t off = whole(info, 4), n = whole(info, 5);
  float* p = view(info[0], off, n, "params");
  const float* g = view(info[1], off, n, "grads");
  float* m = view(info[2], off, n, "m");
  float* v = view(info[3], off, n, "v");
  const double decay = num(info, 6), b1 = num(info, 7), b2 = num(info, 8);
  const double stepSize = num(info, 9), sqrtBc2 = num(info, 10), eps = num(info, 11);
  const double c1 = 1 - b1, c2 = 1 - b2;
  for (int64_t i = 0; i < n; i++) {
    const double gi = g[i];
    p[i] = static_cast<float>(p[i] * decay);
    const double mi = b1 * m[i] + c1 * gi;
    const double vi = b2 * v[i] + c2 * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    p[i] = static_cast<float>(p[i] - (stepSize * mi) / (std::sqrt(vi) / sqrtBc2 + eps));
  }
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sumSquares", Napi::Function::New(env, Guarded<SumSquares>));
  exports.Set("larsUpdate", Napi::Function::New(env, Guarded<LarsUpdate>));
  exports.Set("sgdUpdate", Napi::Function::New(env, Guarded<SgdUpdate>));
  exports.Set("adamwUpdate", Napi::Function::New(env, Guarded<AdamwUpdate>));
  return exports;
}

}  // namespace

NODE_API_MODULE(twist_optim, Init)
