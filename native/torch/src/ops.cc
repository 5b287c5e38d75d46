// ATen implementations of the tfjs kernels the project uses. tfjs lays images out NHWC and filters
// HWIO; ATen's convolution and pooling take NCHW and OIHW, so images are permuted (a view: an NHWC
// tensor seen as NCHW is ATen's channels-last layout, which its CPU and cuDNN kernels run natively)
// and filters are permuted on the way in and out. tfjs's asymmetric 'same' padding is applied
// explicitly where ATen only pads symmetrically.
#include "ops.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace twist_torch {
namespace {

using Fn = std::function<Tensors(const Tensors&, const Args&)>;

int64_t I(const Args& a, size_t i) {
  if (i >= a.size()) throw std::invalid_argument("missing argument " + std::to_string(i));
  return static_cast<int64_t>(a[i]);
}
std::vector<int64_t> ints(const Args& a, size_t from, size_t n) {
  if (from + n > a.size()) throw std::invalid_argument("missing arguments");
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = static_cast<int64_t>(a[from + i]);
  return v;
}
std::vector<int64_t> rest(const Args& a, size_t from) {
  return ints(a, from, a.size() > from ? a.size() - from : 0);
}
void need(const Tensors& in, size_t n, const char* what) {
  if (in.size() != n)
    throw std::invalid_argument(std::string(what) + " takes " + std::to_string(n) + " inputs, got " +
                                std::to_string(in.size()));
}

at::ScalarType dtype_of(int64_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

at::Tensor nchw(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
// Back to tfjs's NHWC, made contiguous: free for a channels-last result (the usual case), one copy
// otherwise. Element-wise kernels on operands of mixed layouts take ATen's strided path, ~4x slower.
at::Tensor nhwc(const at::Tensor& x) { return x.permute({0, 2, 3, 1}).contiguous(); }

// Convolution geometry: [sh, sw, pt, pb, pl, pr, dh, dw, depthwise].
struct Conv {
  int64_t sh, sw, pt, pb, pl, pr, dh, dw;
  bool depthwise;
  explicit Conv(const Args& a)
      : sh(I(a, 0)), sw(I(a, 1)), pt(I(a, 2)), pb(I(a, 3)), pl(I(a, 4)), pr(I(a, 5)), dh(I(a, 6)),
        dw(I(a, 7)), depthwise(I(a, 8) != 0) {}
  bool symmetric() const { return pt == pb && pl == pr; }
  std::vector<int64_t> padding() const {
    return symmetric() ? std::vector<int64_t>{pt, pl} : std::vector<int64_t>{0, 0};
  }
  // Pads an NCHW tensor explicitly when the padding is asymmetric.
  at::Tensor pad(const at::Tensor& x, double value = 0) const {
    return symmetric() ? x : at::constant_pad_nd(x, {pl, pr, pt, pb}, value);
  }
  at::Tensor unpad(const at::Tensor& x, int64_t h, int64_t w) const {
    return symmetric() ? x : x.narrow(2, pt, h).narrow(3, pl, w);
  }
};

// HWIO (or depthwise HW C M) filter to ATen's OIHW (groups = C for depthwise).
// (Contiguous: ATen's CPU convolutions take a slow path for a strided weight, ~4x.)
at::Tensor oihw(const at::Tensor& f, bool depthwise) {
  if (!depthwise) return f.permute({3, 2, 0, 1}).contiguous();
  return f.permute({2, 3, 0, 1}).reshape({f.size(2) * f.size(3), 1, f.size(0), f.size(1)});
}
at::Tensor hwio(const at::Tensor& w, bool depthwise, int64_t c, int64_t m) {
  if (!depthwise) return w.permute({2, 3, 1, 0});
  return w.reshape({c, m, w.size(2), w.size(3)}).permute({2, 3, 0, 1});
}

Tensors conv2d(const Tensors& in, const Args& a) {
  need(in, 2, "conv2d");
  const Conv c(a);
  const at::Tensor x = c.pad(nchw(in[0]));
  const int64_t groups = c.depthwise ? x.size(1) : 1;
  return {nhwc(at::convolution(x, oihw(in[1], c.depthwise), {}, {c.sh, c.sw}, c.padding(),
                               {c.dh, c.dw}, false, {0, 0}, groups))};
}

// inputs [dy, filter]; args: conv geometry, then the NHWC input shape.
Tensors conv2d_backprop_input(const Tensors& in, const Args& a) {
  need(in, 2, "conv2d_backprop_input");
  const Conv c(a);
  const auto s = ints(a, 9, 4);  // n h w ch
  const at::Tensor dy = nchw(in[0]);
  const int64_t h = c.symmetric() ? s[1] : s[1] + c.pt + c.pb;
  const int64_t w = c.symmetric() ? s[2] : s[2] + c.pl + c.pr;
  const at::Tensor shape_only =
      at::empty({s[0], s[3], h, w}, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
  const int64_t groups = c.depthwise ? s[3] : 1;
  auto r = at::convolution_backward(dy, shape_only, oihw(in[1], c.depthwise), c10::nullopt,
                                    {c.sh, c.sw}, c.padding(), {c.dh, c.dw}, false, {0, 0}, groups,
                                    {true, false, false});
  return {nhwc(c.unpad(std::get<0>(r), s[1], s[2]))};
}

// inputs [x, dy]; args: conv geometry, then the HWIO filter shape.
Tensors conv2d_backprop_filter(const Tensors& in, const Args& a) {
  need(in, 2, "conv2d_backprop_filter");
  const Conv c(a);
  const auto f = ints(a, 9, 4);  // kh kw i o (depthwise: kh kw c m)
  const at::Tensor x = c.pad(nchw(in[0]));
  const at::Tensor dy = nchw(in[1]);
  const std::vector<int64_t> wshape = c.depthwise ? std::vector<int64_t>{f[2] * f[3], 1, f[0], f[1]}
                                                  : std::vector<int64_t>{f[3], f[2], f[0], f[1]};
  const at::Tensor shape_only = at::empty(wshape, x.options());
  const int64_t groups = c.depthwise ? f[2] : 1;
  if (!c.depthwise && f[0] == 1 && f[1] == 1 && (c.sh > 1 || c.sw > 1)) {
    // oneDNN 2.6's weight gradient of a strided 1x1 convolution on a channels-last input (its
    // reduce-to-unit-stride path, on AVX2 CPUs) writes past its buffer when the input's channels
    // are not a multiple of 8 and the stride leaves rows or columns unread, as a width-4 ResNet's
    // downsample on an even size does: a corrupted heap, and gradients off by 26 % and more
    // (PyTorch 1.13 itself crashes on it). A 1x1 convolution with stride s reads exactly
    // x[:, :, ::s, ::s]: the same gradient at unit stride.
    const std::vector<int64_t> p = c.padding();
    const at::Tensor xp = p[0] || p[1] ? at::constant_pad_nd(x, {p[1], p[1], p[0], p[0]}) : x;
    const at::Tensor xs = xp.slice(2, 0, (dy.size(2) - 1) * c.sh + 1, c.sh)
                              .slice(3, 0, (dy.size(3) - 1) * c.sw + 1, c.sw)
                              .contiguous(at::MemoryFormat::ChannelsLast);
    auto r = at::convolution_backward(dy, xs, shape_only, c10::nullopt, {1, 1}, {0, 0}, {1, 1}, false,
                                      {0, 0}, 1, {false, true, false});
    return {hwio(std::get<1>(r), false, f[2], f[3])};
  }
  auto r = at::convolution_backward(dy, x, shape_only, c10::nullopt, {c.sh, c.sw}, c.padding(),
                                    {c.dh, c.dw}, false, {0, 0}, groups, {false, true, false});
  return {hwio(std::get<1>(r), c.depthwise, f[2], f[3])};
}

// Pooling geometry: [kh, kw, sh, sw, pt, pb, pl, pr].
struct Pool {
  std::vector<int64_t> k, s;
  int64_t pt, pb, pl, pr;
  explicit Pool(const Args& a)
      : k(ints(a, 0, 2)), s(ints(a, 2, 2)), pt(I(a, 4)), pb(I(a, 5)), pl(I(a, 6)), pr(I(a, 7)) {}
  bool padded() const { return pt || pb || pl || pr; }
  at::Tensor pad(const at::Tensor& x, double v) const {
    return padded() ? at::constant_pad_nd(x, {pl, pr, pt, pb}, v) : x;
  }
  at::Tensor unpad(const at::Tensor& x, int64_t h, int64_t w) const {
    return padded() ? x.narrow(2, pt, h).narrow(3, pl, w) : x;
  }
  // How many real (unpadded) inputs each window covers, [1, 1, OH, OW]; tfjs averages over those.
  at::Tensor counts(int64_t h, int64_t w, const at::TensorOptions& o) const {
    const at::Tensor ones = pad(at::ones({1, 1, h, w}, o), 0);
    return at::avg_pool2d(ones, k, s, {0, 0}, false, true, 1);
  }
};

Tensors max_pool(const Tensors& in, const Args& a) {
  need(in, 1, "max_pool");
  const Pool p(a);
  const double ninf = -std::numeric_limits<double>::infinity();
  return {nhwc(at::max_pool2d(p.pad(nchw(in[0]), ninf), p.k, p.s))};
}

// inputs [dy, x]
Tensors max_pool_grad(const Tensors& in, const Args& a) {
  need(in, 2, "max_pool_grad");
  const Pool p(a);
  const double ninf = -std::numeric_limits<double>::infinity();
  const at::Tensor x = nchw(in[1]);
  const at::Tensor xp = p.pad(x, ninf);
  auto yi = at::max_pool2d_with_indices(xp, p.k, p.s, {0, 0}, {1, 1}, false);
  const at::Tensor dx = at::max_pool2d_with_indices_backward(nchw(in[0]), xp, p.k, p.s, {0, 0}, {1, 1},
                                                             false, std::get<1>(yi));
  return {nhwc(p.unpad(dx, x.size(2), x.size(3)))};
}

Tensors avg_pool(const Tensors& in, const Args& a) {
  need(in, 1, "avg_pool");
  const Pool p(a);
  const at::Tensor x = nchw(in[0]);
  if (!p.padded()) return {nhwc(at::avg_pool2d(x, p.k, p.s))};
  const at::Tensor sum = at::avg_pool2d(p.pad(x, 0), p.k, p.s, {0, 0}, false, true, 1);
  return {nhwc(sum / p.counts(x.size(2), x.size(3), x.options()))};
}

// inputs [dy, x]
Tensors avg_pool_grad(const Tensors& in, const Args& a) {
  need(in, 2, "avg_pool_grad");
  const Pool p(a);
  const at::Tensor x = nchw(in[1]);
  const at::Tensor dy = nchw(in[0]);
  if (!p.padded()) return {nhwc(at::avg_pool2d_backward(dy, x, p.k, p.s, {0, 0}, false, true, c10::nullopt))};
  const at::Tensor xp = p.pad(x, 0);
  const at::Tensor g = dy / p.counts(x.size(2), x.size(3), x.options());
  const at::Tensor dx = at::avg_pool2d_backward(g, xp, p.k, p.s, {0, 0}, false, true, 1);
  return {nhwc(p.unpad(dx, x.size(2), x.size(3)))};
}

// Channels of a tfjs BatchNorm input (NHWC or [N, C]) at dim 1, as ATen's batch norm wants them.
at::Tensor channels_first(const at::Tensor& x) { return x.dim() == 4 ? nchw(x) : x; }
at::Tensor channels_back(const at::Tensor& x) { return x.dim() == 4 ? nhwc(x) : x; }

// Training-mode batch norm with batch statistics, fused (ATen's native_batch_norm: one pass for the
// statistics, one for the output). inputs [x] or [x, gamma, beta]; args [eps].
// Outputs y, the batch mean and the biased batch variance per channel.
Tensors bn_train(const Tensors& in, const Args& a) {
  if (in.size() != 1 && in.size() != 3) throw std::invalid_argument("bn_train takes 1 or 3 inputs");
  const double eps = a.at(0);
  const c10::optional<at::Tensor> g = in.size() == 3 ? c10::optional<at::Tensor>(in[1]) : c10::nullopt;
  const c10::optional<at::Tensor> b = in.size() == 3 ? c10::optional<at::Tensor>(in[2]) : c10::nullopt;
  auto r = at::native_batch_norm(channels_first(in[0]), g, b, c10::nullopt, c10::nullopt, true, 0.0, eps);
  const at::Tensor& invstd = std::get<2>(r);
  return {channels_back(std::get<0>(r)), std::get<1>(r), 1.0 / (invstd * invstd) - eps};
}

// Its gradient (ATen's native_batch_norm_backward). inputs [dy, x, mean, variance] or
// [dy, x, mean, variance, gamma]; args [eps]. Outputs dx, and with gamma dgamma and dbeta.
Tensors bn_train_grad(const Tensors& in, const Args& a) {
  if (in.size() != 4 && in.size() != 5) throw std::invalid_argument("bn_train_grad takes 4 or 5 inputs");
  const double eps = a.at(0);
  const bool affine = in.size() == 5;
  const c10::optional<at::Tensor> g = affine ? c10::optional<at::Tensor>(in[4]) : c10::nullopt;
  const at::Tensor invstd = at::rsqrt(in[3] + eps);
  auto r = at::native_batch_norm_backward(channels_first(in[0]), channels_first(in[1]), g, c10::nullopt,
                                          c10::nullopt, in[2], invstd, true, eps, {true, affine, affine});
  if (!affine) return {channels_back(std::get<0>(r))};
  return {channels_back(std::get<0>(r)), std::get<1>(r), std::get<2>(r)};
}

// ReLU's gradient from its output: inputs [dy, y]; dy where y > 0, else 0 (one pass).
Tensors relu_grad(const Tensors& in, const Args&) {
  need(in, 2, "relu_grad");
  return {at::threshold_backward(in[0], in[1], 0)};
}

// GELU, the exact (erf) form of PyTorch's nn.GELU: inputs [x]; and its gradient: inputs [dy, x].
Tensors gelu_op(const Tensors& in, const Args&) {
  need(in, 1, "gelu");
  return {at::gelu(in[0])};
}
Tensors gelu_grad(const Tensors& in, const Args&) {
  need(in, 2, "gelu_grad");
  return {at::gelu_backward(in[0], in[1])};
}

// LayerNorm over the last axis (ATen's native layer norm): inputs [x, gamma, beta]; args [eps].
// Outputs y and, shaped as x with a last axis of 1, the mean and 1/sqrt(variance + eps).
Tensors layer_norm(const Tensors& in, const Args& a) {
  need(in, 3, "layer_norm");
  auto r = at::native_layer_norm(in[0], {in[0].size(-1)}, in[1], in[2], a.at(0));
  return {std::get<0>(r), std::get<1>(r), std::get<2>(r)};
}
// Its gradient: inputs [dy, x, mean, rstd, gamma, beta]; outputs dx, dgamma, dbeta.
Tensors layer_norm_grad(const Tensors& in, const Args&) {
  need(in, 6, "layer_norm_grad");
  auto r = at::native_layer_norm_backward(in[0], in[1], {in[1].size(-1)}, in[2], in[3], in[4], in[5],
                                          {true, true, true});
  return {std::get<0>(r), std::get<1>(r), std::get<2>(r)};
}

// SyncBatchNorm's pieces (the statistics and sums are combined across replicas in between).
// Per-channel view of a [C] vector against a channels-first tensor of rank r.
at::Tensor per_channel(const at::Tensor& v, int64_t rank) {
  return rank == 4 ? v.reshape({1, -1, 1, 1}) : v.reshape({1, -1});
}

// inputs [x]; outputs this replica's batch mean and biased variance per channel.
Tensors bn_stats(const Tensors& in, const Args&) {
  need(in, 1, "bn_stats");
  // ATen's batch-norm statistics kernel (channels-last aware); var_mean over dims {0, 2, 3} of the
  // channels-last view, or over the rows of [N·H·W, C], takes a strided path ~6x slower.
  auto r = at::batch_norm_update_stats(channels_first(in[0]), c10::nullopt, c10::nullopt, 0.0);
  return {std::get<0>(r), std::get<1>(r)};
}

// inputs [x, mean, variance] or [x, mean, variance, gamma, beta]; args [eps]: the normalisation
// with given statistics, (x − mean)/√(variance + eps)·γ + β, in one pass.
Tensors bn_apply(const Tensors& in, const Args& a) {
  if (in.size() != 3 && in.size() != 5) throw std::invalid_argument("bn_apply takes 3 or 5 inputs");
  const c10::optional<at::Tensor> g = in.size() == 5 ? c10::optional<at::Tensor>(in[3]) : c10::nullopt;
  const c10::optional<at::Tensor> b = in.size() == 5 ? c10::optional<at::Tensor>(in[4]) : c10::nullopt;
  return {channels_back(
      at::batch_norm(channels_first(in[0]), g, b, in[1], in[2], false, 0.0, a.at(0), false))};
}

// inputs [dy, x, mean, variance]; args [eps]; outputs Σdy and Σdy·x̂ per channel (this replica's).
// The group's statistics go in as the saved ones of a training-mode backward (CUDA's kernel requires
// them; its eval-mode path asserts they are there), so no running statistics are involved. A weight
// of ones goes in too: CUDA's kernel sizes Σdy·x̂ (the weight's gradient) from the weight, which the
// sums do not otherwise depend on.
Tensors bn_backward_reduce(const Tensors& in, const Args& a) {
  need(in, 4, "bn_backward_reduce");
  const at::Tensor invstd = at::rsqrt(in[3] + a.at(0));
  auto r = at::native_batch_norm_backward(channels_first(in[0]), channels_first(in[1]), at::ones_like(invstd),
                                          c10::nullopt, c10::nullopt, in[2], invstd, true, a.at(0),
                                          {false, true, true});
  return {std::get<2>(r), std::get<1>(r)};
}

// dx[i] = dy[i]·A[c] + x[i]·B[c] + C[c] over contiguous rows of `channels` values (NHWC or [N, C]):
// one pass that reads dy and x once and writes dx, vectorised across the channels.
__attribute__((optimize("O3"))) void affine2_rows(const float* __restrict dy, const float* __restrict x,
                                                  const float* __restrict A, const float* __restrict B,
                                                  const float* __restrict C, float* __restrict out,
                                                  int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t o = r * channels;
    for (int64_t c = 0; c < channels; c++) out[o + c] = dy[o + c] * A[c] + x[o + c] * B[c] + C[c];
  }
}

// inputs [dy, x, mean, variance, sumDy, sumDyXhat] (+ [gamma]); args [eps, count]:
// dx = (dy − Σdy/n − x̂·Σdy·x̂/n)·γ/√(variance + eps), with the sums over the whole group, written
// as dy·A + x·B + C with per-channel A, B, C. Contiguous float inputs on the CPU (tfjs's, the usual
// case) take one hand-written pass; ATen's element-wise ops (a product, a sum, an addcmul: two
// temporaries) took ~2x as long on a [256, 28, 28, 16] input. On CUDA, ATen's ops.
Tensors bn_backward_elemt(const Tensors& in, const Args& a) {
  if (in.size() != 6 && in.size() != 7) throw std::invalid_argument("bn_backward_elemt takes 6 or 7 inputs");
  const double eps = a.at(0), n = a.at(1);
  const at::Tensor invstd = at::rsqrt(in[3] + eps);
  const at::Tensor g = in.size() == 7 ? in[6] : at::ones_like(invstd);
  const at::Tensor A = (invstd * g).contiguous();
  const at::Tensor B = (-(invstd * invstd * g * in[5]) / n).contiguous();
  const at::Tensor C = (-B * in[2] - A * in[4] / n).contiguous();
  const at::Tensor& dy = in[0];
  const at::Tensor& x = in[1];
  const int64_t channels = x.size(-1);
  if (dy.is_cpu() && x.is_cpu() && dy.scalar_type() == at::kFloat && x.scalar_type() == at::kFloat &&
      A.scalar_type() == at::kFloat && dy.is_contiguous() && x.is_contiguous() && dy.sizes() == x.sizes() &&
      A.numel() == channels && channels > 0) {
    at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous);
    affine2_rows(dy.data_ptr<float>(), x.data_ptr<float>(), A.data_ptr<float>(), B.data_ptr<float>(),
                 C.data_ptr<float>(), out.data_ptr<float>(), x.numel() / channels, channels);
    return {out};
  }
  const at::Tensor dyf = channels_first(dy), xf = channels_first(x);
  const int64_t r = xf.dim();
  return {channels_back(at::addcmul(xf * per_channel(B, r) + per_channel(C, r), dyf, per_channel(A, r)))};
}

// args [transposeA, transposeB]
Tensors batch_matmul(const Tensors& in, const Args& a) {
  need(in, 2, "batch_matmul");
  const at::Tensor x = I(a, 0) ? in[0].transpose(-2, -1) : in[0];
  const at::Tensor y = I(a, 1) ? in[1].transpose(-2, -1) : in[1];
  return {at::matmul(x, y)};
}

// NHWC bilinear resize; args [outH, outW, alignCorners, halfPixelCenters] with tfjs's three
// coordinate rules (ATen has no "legacy" rule, so it is computed here, one axis at a time).
at::Tensor resize_axis(const at::Tensor& x, int64_t axis, int64_t out, bool align, bool half) {
  const int64_t in = x.size(axis);
  const double scale = (align && out > 1) ? double(in - 1) / double(out - 1) : double(in) / double(out);
  const auto fo = x.options();
  at::Tensor src = at::arange(out, fo.dtype(at::kDouble));
  src = half ? at::clamp_min((src + 0.5) * scale - 0.5, 0.0) : src * scale;
  const at::Tensor lo = at::clamp_max(at::floor(src), double(in - 1)).to(at::kLong);
  const at::Tensor hi = at::clamp_max(lo + 1, in - 1);
  std::vector<int64_t> wshape(x.dim(), 1);
  wshape[axis] = out;
  const at::Tensor w = (src - lo.to(at::kDouble)).to(x.scalar_type()).reshape(wshape);
  const at::Tensor a = x.index_select(axis, lo.to(x.device()));
  const at::Tensor b = x.index_select(axis, hi.to(x.device()));
  return a + (b - a) * w;
}
Tensors resize_bilinear(const Tensors& in, const Args& a) {
  need(in, 1, "resize_bilinear");
  const bool align = I(a, 2) != 0, half = I(a, 3) != 0;
  at::Tensor x = in[0].dim() == 4 ? in[0] : in[0].unsqueeze(0);
  x = x.is_floating_point() ? x : x.to(at::kFloat);
  at::Tensor y = resize_axis(resize_axis(x, 1, I(a, 0), align, half), 2, I(a, 1), align, half);
  return {in[0].dim() == 4 ? y : y.squeeze(0)};
}

std::vector<int64_t> axes_or_all(const at::Tensor& x, const Args& a, size_t from) {
  auto axes = rest(a, from);
  if (axes.empty())
    for (int64_t d = 0; d < x.dim(); d++) axes.push_back(d);
  return axes;
}
// Reductions over several axes for ATen functions that take one dim.
template <typename F>
at::Tensor reduce_each(at::Tensor x, std::vector<int64_t> axes, bool keep, F f) {
  for (auto& d : axes) d = d < 0 ? d + x.dim() : d;
  std::sort(axes.rbegin(), axes.rend());
  for (int64_t d : axes) x = f(x, d, keep);
  return x;
}

std::unordered_map<std::string, Fn> build_table() {
  std::unordered_map<std::string, Fn> t;
  auto unary = [&t](const std::string& n, std::function<at::Tensor(const at::Tensor&)> f) {
    t[n] = [n, f](const Tensors& in, const Args&) -> Tensors {
      need(in, 1, n.c_str());
      return {f(in[0])};
    };
  };
  auto binary = [&t](const std::string& n, std::function<at::Tensor(const at::Tensor&, const at::Tensor&)> f) {
    t[n] = [n, f](const Tensors& in, const Args&) -> Tensors {
      need(in, 2, n.c_str());
      return {f(in[0], in[1])};
    };
  };
  unary("abs", [](const at::Tensor& x) { return at::abs(x); });
  unary("neg", [](const at::Tensor& x) { return at::neg(x); });
  unary("exp", [](const at::Tensor& x) { return at::exp(x); });
  unary("expm1", [](const at::Tensor& x) { return at::expm1(x); });
  unary("log", [](const at::Tensor& x) { return at::log(x); });
  unary("log1p", [](const at::Tensor& x) { return at::log1p(x); });
  unary("sqrt", [](const at::Tensor& x) { return at::sqrt(x); });
  unary("rsqrt", [](const at::Tensor& x) { return at::rsqrt(x); });
  unary("square", [](const at::Tensor& x) { return x * x; });
  unary("reciprocal", [](const at::Tensor& x) { return at::reciprocal(x); });
  unary("sin", [](const at::Tensor& x) { return at::sin(x); });
  unary("cos", [](const at::Tensor& x) { return at::cos(x); });
  unary("tan", [](const at::Tensor& x) { return at::tan(x); });
  unary("tanh", [](const at::Tensor& x) { return at::tanh(x); });
  unary("sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); });
  unary("relu", [](const at::Tensor& x) { return at::relu(x); });
  unary("relu6", [](const at::Tensor& x) { return at::clamp(x, 0, 6); });
  unary("elu", [](const at::Tensor& x) { return at::elu(x); });
  unary("softplus", [](const at::Tensor& x) { return at::softplus(x); });
  unary("erf", [](const at::Tensor& x) { return at::erf(x); });
  unary("sign", [](const at::Tensor& x) { return at::sign(x); });
  unary("floor", [](const at::Tensor& x) { return at::floor(x); });
  unary("ceil", [](const at::Tensor& x) { return at::ceil(x); });
  unary("round", [](const at::Tensor& x) { return at::round(x); });
  unary("is_nan", [](const at::Tensor& x) { return at::isnan(x); });
  unary("is_inf", [](const at::Tensor& x) { return at::isinf(x); });
  unary("logical_not", [](const at::Tensor& x) { return at::logical_not(x); });
  unary("clone", [](const at::Tensor& x) { return x.clone(); });
  // Step(x) = 1 for x > 0, alpha otherwise, NaN kept (tfjs's ReLU gradient): heaviside(x, 0) is
  // that for alpha 0 in one pass, NaN included.
  t["step"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "step");
    const at::Tensor h = at::heaviside(in[0], at::zeros({}, in[0].options()));
    const double alpha = a.at(0);
    return {alpha == 0 ? h : h * (1 - alpha) + alpha};
  };
  t["leaky_relu"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "leaky_relu");
    return {at::leaky_relu(in[0], a.at(0))};
  };
  t["clip"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "clip");
    return {at::clamp(in[0], a.at(0), a.at(1))};
  };

  binary("add", [](const at::Tensor& x, const at::Tensor& y) { return at::add(x, y); });
  binary("sub", [](const at::Tensor& x, const at::Tensor& y) { return at::sub(x, y); });
  binary("mul", [](const at::Tensor& x, const at::Tensor& y) { return at::mul(x, y); });
  binary("div", [](const at::Tensor& x, const at::Tensor& y) { return at::div(x, y); });
  binary("floor_div", [](const at::Tensor& x, const at::Tensor& y) { return at::div(x, y, "floor"); });
  binary("mod", [](const at::Tensor& x, const at::Tensor& y) { return at::remainder(x, y); });
  binary("maximum", [](const at::Tensor& x, const at::Tensor& y) { return at::maximum(x, y); });
  binary("minimum", [](const at::Tensor& x, const at::Tensor& y) { return at::minimum(x, y); });
  binary("pow", [](const at::Tensor& x, const at::Tensor& y) { return at::pow(x, y); });
  binary("atan2", [](const at::Tensor& x, const at::Tensor& y) { return at::atan2(x, y); });
  binary("squared_difference", [](const at::Tensor& x, const at::Tensor& y) {
    const at::Tensor d = x - y;
    return d * d;
  });
  binary("equal", [](const at::Tensor& x, const at::Tensor& y) { return at::eq(x, y); });
  binary("not_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::ne(x, y); });
  binary("less", [](const at::Tensor& x, const at::Tensor& y) { return at::lt(x, y); });
  binary("less_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::le(x, y); });
  binary("greater", [](const at::Tensor& x, const at::Tensor& y) { return at::gt(x, y); });
  binary("greater_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::ge(x, y); });
  binary("logical_and", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_and(x, y); });
  binary("logical_or", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_or(x, y); });

  t["add_n"] = [](const Tensors& in, const Args&) -> Tensors {
    if (in.empty()) throw std::invalid_argument("add_n takes at least one input");
    at::Tensor s = in[0].clone();
    for (size_t i = 1; i < in.size(); i++) s.add_(in[i]);
    return {s};
  };
  t["select"] = [](const Tensors& in, const Args&) -> Tensors {
    need(in, 3, "select");
    return {at::where(in[0].to(at::kBool), in[1], in[2])};
  };
  t["cast"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "cast");
    const at::ScalarType to = dtype_of(I(a, 0));
    return {to == at::kBool ? at::ne(in[0], 0) : in[0].to(to)};
  };

  // Reductions: args [keepDims, axis...] (no axis: every axis).
  t["sum"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "sum");
    return {at::sum(in[0], axes_or_all(in[0], a, 1), I(a, 0) != 0)};
  };
  t["mean"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "mean");
    const at::Tensor x = in[0].is_floating_point() ? in[0] : in[0].to(at::kFloat);
    return {at::mean(x, axes_or_all(x, a, 1), I(a, 0) != 0)};
  };
  t["max"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "max");
    return {at::amax(in[0], axes_or_all(in[0], a, 1), I(a, 0) != 0)};
  };
  t["min"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "min");
    return {at::amin(in[0], axes_or_all(in[0], a, 1), I(a, 0) != 0)};
  };
  t["prod"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "prod");
    return {reduce_each(in[0], axes_or_all(in[0], a, 1), I(a, 0) != 0,
                        [](const at::Tensor& x, int64_t d, bool k) { return at::prod(x, d, k); })};
  };
  t["all"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "all");
    return {reduce_each(in[0].to(at::kBool), axes_or_all(in[0], a, 1), I(a, 0) != 0,
                        [](const at::Tensor& x, int64_t d, bool k) { return at::all(x, d, k); })};
  };
  t["any"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "any");
    return {reduce_each(in[0].to(at::kBool), axes_or_all(in[0], a, 1), I(a, 0) != 0,
                        [](const at::Tensor& x, int64_t d, bool k) { return at::any(x, d, k); })};
  };
  t["argmax"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "argmax");
    return {at::argmax(in[0], I(a, 0), false)};
  };
  t["argmin"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "argmin");
    return {at::argmin(in[0], I(a, 0), false)};
  };
  // args [k] (sorted, largest first, as tfjs's TopK)
  t["topk"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "topk");
    auto r = at::topk(in[0], I(a, 0), -1, true, true);
    return {std::get<0>(r), std::get<1>(r)};
  };
  t["softmax"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "softmax");
    return {at::softmax(in[0], I(a, 0))};
  };

  // Shapes.
  t["reshape"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "reshape");
    return {in[0].reshape(rest(a, 0))};
  };
  t["transpose"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "transpose");
    return {in[0].permute(rest(a, 0))};
  };
  // args [begin..., size...] (one of each per dimension)
  t["slice"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "slice");
    at::Tensor x = in[0];
    const size_t r = static_cast<size_t>(x.dim());
    const auto b = ints(a, 0, r), s = ints(a, r, r);
    for (size_t d = 0; d < r; d++)
      if (b[d] != 0 || s[d] != x.size(d)) x = x.narrow(d, b[d], s[d]);
    return {x};
  };
  // args [axis]
  t["concat"] = [](const Tensors& in, const Args& a) -> Tensors { return {at::cat(in, I(a, 0))}; };
  // args [axis, size...]
  t["split"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "split");
    auto parts = at::split_with_sizes(in[0], rest(a, 1), I(a, 0));
    return Tensors(parts.begin(), parts.end());
  };
  // args [value, before0, after0, before1, after1, ...]
  t["pad"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "pad");
    const int64_t r = in[0].dim();
    std::vector<int64_t> p;
    for (int64_t d = r - 1; d >= 0; d--) {
      p.push_back(I(a, 1 + 2 * d));
      p.push_back(I(a, 2 + 2 * d));
    }
    return {at::constant_pad_nd(in[0], p, a.at(0))};
  };
  t["tile"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "tile");
    return {in[0].repeat(rest(a, 0))};
  };
  t["reverse"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "reverse");
    return {at::flip(in[0], rest(a, 0))};
  };
  // inputs [x, indices]; args [axis]
  t["gather"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 2, "gather");
    const int64_t axis = I(a, 0);
    const at::Tensor& x = in[0];
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
    for (auto d : in[1].sizes()) shape.push_back(d);
    for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
    return {x.index_select(axis, in[1].reshape({-1}).to(at::kLong)).reshape(shape)};
  };
  // inputs [indices]; args [depth, on, off, dtype]; an index outside [0, depth) gives a row of `off`.
  t["one_hot"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 1, "one_hot");
    const at::Tensor classes = at::arange(I(a, 0), in[0].options().dtype(at::kLong));
    const at::Tensor hit = at::eq(in[0].to(at::kLong).unsqueeze(-1), classes);
    const auto o = in[0].options().dtype(dtype_of(I(a, 3)));
    return {at::where(hit, at::full({}, a.at(1), o), at::full({}, a.at(2), o))};
  };
  // inputs [x, segmentIds]; args [numSegments]; ids outside [0, numSegments) are dropped.
  t["unsorted_segment_sum"] = [](const Tensors& in, const Args& a) -> Tensors {
    need(in, 2, "unsorted_segment_sum");
    const int64_t n = I(a, 0);
    const at::Tensor ids = in[1].reshape({-1}).to(at::kLong);
    const at::Tensor x = in[0].reshape({ids.numel(), -1});
    const at::Tensor ok = at::logical_and(ids >= 0, ids < n);
    at::Tensor out = at::zeros({n, x.size(1)}, x.options());
    out.index_add_(0, ids.masked_select(ok), x.index({ok}));
    std::vector<int64_t> shape{n};
    for (int64_t d = in[1].dim(); d < in[0].dim(); d++) shape.push_back(in[0].size(d));
    return {out.reshape(shape)};
  };

  t["conv2d"] = conv2d;
  t["conv2d_backprop_input"] = conv2d_backprop_input;
  t["conv2d_backprop_filter"] = conv2d_backprop_filter;
  t["max_pool"] = max_pool;
  t["max_pool_grad"] = max_pool_grad;
  t["avg_pool"] = avg_pool;
  t["avg_pool_grad"] = avg_pool_grad;
  t["batch_matmul"] = batch_matmul;
  t["relu_grad"] = relu_grad;
  t["gelu"] = gelu_op;
  t["gelu_grad"] = gelu_grad;
  t["layer_norm"] = layer_norm;
  t["layer_norm_grad"] = layer_norm_grad;
  t["bn_train"] = bn_train;
  t["bn_train_grad"] = bn_train_grad;
  t["bn_stats"] = bn_stats;
  t["bn_apply"] = bn_apply;
  t["bn_backward_reduce"] = bn_backward_reduce;
  t["bn_backward_elemt"] = bn_backward_elemt;
  t["resize_bilinear"] = resize_bilinear;
  return t;
}

const std::unordered_map<std::string, Fn>& table() {
  static const std::unordered_map<std::string, Fn> t = build_table();
  return t;
}

// tfjs has no 64-bit types: ATen's int64 results (sums of ints, indices) become int32, float64 float32.
at::Tensor to_tfjs_dtype(at::Tensor t) {
  if (t.scalar_type() == at::kLong || t.scalar_type() == at::kShort || t.scalar_type() == at::kByte ||
      t.scalar_type() == at::kChar)
    return t.to(at::kInt);
  if (t.scalar_type() == at::kDouble || t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16)
    return t.to(at::kFloat);
  return t;
}

// The table's kernels in name order: op_names() and run_op's indices.
struct ByIndex {
  std::vector<std::string> names;
  std::vector<const Fn*> fns;
};

const ByIndex& by_index() {
  static const ByIndex b = [] {
    ByIndex r;
    for (const auto& kv : table()) r.names.push_back(kv.first);
    std::sort(r.names.begin(), r.names.end());
    for (const auto& n : r.names) r.fns.push_back(&table().at(n));
    return r;
  }();
  return b;
}

}  // namespace

Tensors run_op(size_t index, const Tensors& inputs, const Args& args) {
  const ByIndex& b = by_index();
  if (index >= b.fns.size())
    throw std::invalid_argument("the torch addon has no kernel number " + std::to_string(index) + " (it has " +
                                std::to_string(b.fns.size()) + ")");
  Tensors out = (*b.fns[index])(inputs, args);
  for (auto& t : out) t = to_tfjs_dtype(std::move(t));
  return out;
}

const std::vector<std::string>& op_names() { return by_index().names; }

}  // namespace twist_torch
