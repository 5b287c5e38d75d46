// The augmentations' inner loops in C++ (twist/augment/*.ts keep the same code in TS for machines
// without a compiler). Bit-identical to the TS: the same double arithmetic in the same order, the
// same float32 stores, no FMA contraction (-ffp-contract=off), no fast-math.
#include <napi.h>

#include "napi-args.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {

using twist_native::Guarded;
using twist_native::num;
using twist_native::whole;

template <typename T>
T* view(const Napi::Value& v, size_t offset, size_t need, const char* what) {
  auto a = v.As<Napi::TypedArrayOf<T>>();
  if (offset + need > a.ElementLength()) throw std::invalid_argument(std::string(what) + ": buffer too small");
  return a.Data() + offset;
}


// resizePasses(src, srcOffset, srcW, channels, top, left, rows,
//              xStart, xTaps, xWeights, xStride, yStart, yTaps, yWeights, yStride,
//              out, outOffset, outH, outW, flip): the two passes of PIL's resampling over a crop
// (coefficients computed by the caller), each rounded to 8 bits; output scaled to [0, 1].
Napi::Value ResizePasses(const Napi::CallbackInfo& info) {
  const int64_t srcOffset = whole(info, 1), srcW = whole(info, 2), ch = whole(info, 3);
  const int64_t top = whole(info, 4), left = whole(info, 5), rows = whole(info, 6);
  const int64_t outOffset = whole(info, 16), outH = whole(info, 17), outW = whole(info, 18);
  const bool flip = info[19].As<Napi::Boolean>().Value();
  const int32_t* sx = view<int32_t>(info[7], 0, outW, "xStart");
  const int32_t* tx = view<int32_t>(info[8], 0, outW, "xTaps");
  const int64_t strideX = whole(info, 10), strideY = whole(info, 14);
  const float* wx = view<float>(info[9], 0, outW * strideX, "xWeights");
  const int32_t* sy = view<int32_t>(info[11], 0, outH, "yStart");
  const int32_t* ty = view<int32_t>(info[12], 0, outH, "yTaps");
  const float* wy = view<float>(info[13], 0, outH * strideY, "yWeights");
  const uint8_t* src = view<uint8_t>(info[0], 0, 0, "src");
  const size_t srcLen = info[0].As<Napi::Uint8Array>().ElementLength();
  const int64_t rowLen = outW * ch;
  float* out = view<float>(info[15], outOffset, outH * rowLen, "out");
  if (srcOffset + ((top + rows - 1) * srcW + srcW) * ch > static_cast<int64_t>(srcLen))
    throw std::invalid_argument("src: the crop is outside the image");
  thread_local std::vector<float> mid;
  thread_local std::vector<float> acc;
  mid.resize(rows * rowLen);
  acc.resize(rowLen);
  auto round8 = [](double v) -> float { return v <= 0 ? 0.0f : v >= 255 ? 255.0f : static_cast<float>(std::floor(v + 0.5)); };
  for (int64_t y = 0; y < rows; y++) {
    const uint8_t* row = src + srcOffset + ((top + y) * srcW + left) * ch;
    float* m = mid.data() + y * rowLen;
    for (int64_t ox = 0; ox < outW; ox++) {
      const float* w = wx + ox * strideX;
      const int32_t n = tx[ox];
      float* o = m + (flip ? outW - 1 - ox : ox) * ch;
      const uint8_t* p = row + static_cast<int64_t>(sx[ox]) * ch;
      if (ch == 3) {
        double r = 0, g = 0, b = 0;
        for (int32_t k = 0; k < n; k++, p += 3) {
          const double wk = w[k];
          r += wk * p[0];
          g += wk * p[1];
          b += wk * p[2];
        }
        o[0] = round8(r);
        o[1] = round8(g);
        o[2] = round8(b);
      } else {
        for (int64_t c = 0; c < ch; c++) {
          double v = 0;
          const uint8_t* q = p + c;
          for (int32_t k = 0; k < n; k++, q += ch) v += static_cast<double>(w[k]) * q[0];
          o[c] = round8(v);
        }
      }
    }
  }
  float* a = acc.data();
  for (int64_t oy = 0; oy < outH; oy++) {
    const int32_t n = ty[oy];
    const float* w = wy + oy * strideY;
    std::fill(a, a + rowLen, 0.0f);
    for (int32_t k = 0; k < n; k++) {
      const double wk = w[k];
      const float* m = mid.data() + (static_cast<int64_t>(sy[oy]) + k) * rowLen;
      for (int64_t i = 0; i < rowLen; i++) a[i] = static_cast<float>(static_cast<double>(a[i]) + wk * m[i]);
    }
    float* o = out + oy * rowLen;
    for (int64_t i = 0; i < rowLen; i++) o[i] = static_cast<float>(static_cast<double>(round8(a[i])) / 255);
  }
  return info.Env().Undefined();
}

// gaussianBlur(img, offset, h, w, channels, l, ww, fw, passes): the extended box passes
// (horizontal on a padded line per row and channel, then vertical with a running row sum).
Napi::Value GaussianBlur(const Napi::CallbackInfo& info) {
  const int64_t offset = whole(info, 1), h = whole(info, 2), w = whole(info, 3), cs = whole(info, 4);
  const int64_t l = whole(info, 5), passes = whole(info, 8);
  const double ww = num(info, 6), fw = num(info, 7);
  const int64_t rowLen = w * cs, n = h * rowLen;
  float* img = view<float>(info[0], offset, n, "img");
  // Horizontal passes on a line of the row's channels, interleaved, padded with the replicated
  // border (l + 1 pixels each side): one running sum per channel, advanced together.
  const int64_t pad = l + 1;
  const int64_t len = (w + 2 * pad) * cs;
  std::vector<float> la(len), lb(len);
  std::vector<double> sums(cs);
  float* a = la.data();
  float* b = lb.data();
  const int64_t far = (l + 1) * cs, near = l * cs;
  for (int64_t y = 0; y < h; y++) {
    float* row = img + y * rowLen;
    std::copy(row, row + rowLen, a + pad * cs);
    for (int64_t p = 0; p < passes; p++) {
      for (int64_t k = 0; k < pad; k++)
        for (int64_t c = 0; c < cs; c++) {
          a[k * cs + c] = a[pad * cs + c];
          a[(pad + w + k) * cs + c] = a[(pad + w - 1) * cs + c];
        }
      for (int64_t c = 0; c < cs; c++) {
        double sum = 0;
        for (int64_t k = -l; k <= l; k++) sum += a[(pad + k) * cs + c];
        sums[c] = sum;
      }
      if (cs == 3) {
        double s0 = sums[0], s1 = sums[1], s2 = sums[2];
        for (int64_t i = pad * 3; i < (pad + w) * 3; i += 3) {
          b[i] = static_cast<float>(ww * s0 + fw * (static_cast<double>(a[i - far]) + a[i + far]));
          b[i + 1] = static_cast<float>(ww * s1 + fw * (static_cast<double>(a[i + 1 - far]) + a[i + 1 + far]));
          b[i + 2] = static_cast<float>(ww * s2 + fw * (static_cast<double>(a[i + 2 - far]) + a[i + 2 + far]));
          s0 += static_cast<double>(a[i + far]) - a[i - near];
          s1 += static_cast<double>(a[i + 1 + far]) - a[i + 1 - near];
          s2 += static_cast<double>(a[i + 2 + far]) - a[i + 2 - near];
        }
      } else {
        for (int64_t c = 0; c < cs; c++) {
          double sum = sums[c];
          for (int64_t i = pad * cs + c; i < (pad + w) * cs; i += cs) {
            b[i] = static_cast<float>(ww * sum + fw * (static_cast<double>(a[i - far]) + a[i + far]));
            sum += static_cast<double>(a[i + far]) - a[i - near];
          }
        }
      }
      std::swap(a, b);
    }
    std::copy(a + pad * cs, a + (pad + w) * cs, row);
  }
  // Vertical passes: a running sum of whole rows, back and forth between the image and a scratch.
  std::vector<float> tmpv(n), accv(rowLen);
  float* acc = accv.data();
  float* from = img;
  float* to = tmpv.data();
  auto rowAt = [&](int64_t y) { return (y < 0 ? 0 : y >= h ? h - 1 : y) * rowLen; };
  for (int64_t p = 0; p < passes; p++) {
    std::fill(acc, acc + rowLen, 0.0f);
    for (int64_t k = -l; k <= l; k++) {
      const float* m = from + rowAt(k);
      for (int64_t i = 0; i < rowLen; i++) acc[i] = static_cast<float>(static_cast<double>(acc[i]) + m[i]);
    }
    for (int64_t y = 0; y < h; y++) {
      float* o = to + y * rowLen;
      const float* f0 = from + rowAt(y - l - 1);
      const float* f1 = from + rowAt(y + l + 1);
      const float* d = from + rowAt(y - l);
      for (int64_t i = 0; i < rowLen; i++) {
        o[i] = static_cast<float>(ww * acc[i] + fw * (static_cast<double>(f0[i]) + f1[i]));
        acc[i] = static_cast<float>(static_cast<double>(acc[i]) + f1[i] - d[i]);
      }
    }
    std::swap(from, to);
  }
  if (from != img) std::copy(from, from + n, img);
  return info.Env().Undefined();
}

// rgbHue(img, offset, n, shift): rotate the HSV hue of n interleaved RGB pixels.
Napi::Value RgbHue(const Napi::CallbackInfo& info) {
  const int64_t offset = whole(info, 1), n = whole(info, 2);
  const double shift = num(info, 3);
  float* img = view<float>(info[0], offset, 3 * n, "img");
  for (int64_t p = 0; p < n; p++) {
    float* px = img + 3 * p;
    const double r = px[0], g = px[1], b = px[2];
    const double mx = std::max(r, std::max(g, b));
    const double mn = std::min(r, std::min(g, b));
    const double d = mx - mn;
    if (d == 0) continue;
    double hh = mx == r ? (g - b) / d : mx == g ? 2 + (b - r) / d : 4 + (r - g) / d;
    hh = hh / 6 + shift;
    hh -= std::floor(hh);
    const double s = d / mx, v = mx, h6 = hh * 6;
    const double kf = std::floor(h6);
    const double f = h6 - kf;
    const double pv = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double rr, gg, bb;
    switch (static_cast<int>(kf) % 6) {
      case 0: rr = v; gg = t; bb = pv; break;
      case 1: rr = q; gg = v; bb = pv; break;
      case 2: rr = pv; gg = v; bb = t; break;
      case 3: rr = pv; gg = q; bb = v; break;
      case 4: rr = t; gg = pv; bb = v; break;
      default: rr = v; gg = pv; bb = q;
    }
    px[0] = static_cast<float>(rr);
    px[1] = static_cast<float>(gg);
    px[2] = static_cast<float>(bb);
  }
  return info.Env().Undefined();
}

constexpr double L0 = 0.299, L1 = 0.587, L2 = 0.114;
inline double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

// rgbBrightness / rgbContrast / rgbSaturation (img, offset, n, f) and
// rgbNormalize(img, offset, n, m0, m1, m2, s0, s1, s2), as twist/augment/rgb-ops.ts.
Napi::Value RgbBrightness(const Napi::CallbackInfo& info) {
  const int64_t n = whole(info, 2);
  const double f = num(info, 3);
  float* img = view<float>(info[0], whole(info, 1), 3 * n, "img");
  for (int64_t i = 0; i < 3 * n; i++) img[i] = static_cast<float>(clamp01(img[i] * f));
  return info.Env().Undefined();
}

Napi::Value RgbContrast(const Napi::CallbackInfo& info) {
  const int64_t n = whole(info, 2);
  const double f = num(info, 3);
  float* img = view<float>(info[0], whole(info, 1), 3 * n, "img");
  double mean = 0;
  for (int64_t p = 0; p < n; p++) {
    const float* x = img + 3 * p;
    mean += L0 * x[0] + L1 * x[1] + L2 * x[2];
  }
  mean /= static_cast<double>(n);
  const double add = (1 - f) * mean;
  for (int64_t i = 0; i < 3 * n; i++) img[i] = static_cast<float>(clamp01(f * img[i] + add));
  return info.Env().Undefined();
}

Napi::Value RgbSaturation(const Napi::CallbackInfo& info) {
  const int64_t n = whole(info, 2);
  const double f = num(info, 3);
  float* img = view<float>(info[0], whole(info, 1), 3 * n, "img");
  for (int64_t p = 0; p < n; p++) {
    float* x = img + 3 * p;
    const double g = (1 - f) * (L0 * x[0] + L1 * x[1] + L2 * x[2]);
    x[0] = static_cast<float>(clamp01(f * x[0] + g));
    x[1] = static_cast<float>(clamp01(f * x[1] + g));
    x[2] = static_cast<float>(clamp01(f * x[2] + g));
  }
  return info.Env().Undefined();
}

Napi::Value RgbNormalize(const Napi::CallbackInfo& info) {
  const int64_t n = whole(info, 2);
  const double m[3] = {num(info, 3), num(info, 4), num(info, 5)};
  const double sd[3] = {num(info, 6), num(info, 7), num(info, 8)};
  float* img = view<float>(info[0], whole(info, 1), 3 * n, "img");
  for (int64_t p = 0; p < n; p++)
    for (int c = 0; c < 3; c++) img[3 * p + c] = static_cast<float>((img[3 * p + c] - m[c]) / sd[c]);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("resizePasses", Napi::Function::New(env, Guarded<ResizePasses>));
  exports.Set("gaussianBlur", Napi::Function::New(env, Guarded<GaussianBlur>));
  exports.Set("rgbHue", Napi::Function::New(env, Guarded<RgbHue>));
  exports.Set("rgbBrightness", Napi::Function::New(env, Guarded<RgbBrightness>));
  exports.Set("rgbContrast", Napi::Function::New(env, Guarded<RgbContrast>));
  exports.Set("rgbSaturation", Napi::Function::New(env, Guarded<RgbSaturation>));
  exports.Set("rgbNormalize", Napi::Function::New(env, Guarded<RgbNormalize>));
  return exports;
}

}  // namespace

NODE_API_MODULE(twist_augment, Init)
