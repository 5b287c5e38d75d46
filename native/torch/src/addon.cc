// Node-API surface of the torch backend: tensors live in ATen (CPU, or CUDA when this libtorch has
// it and a device is visible) and JS holds integer handles. Host copies happen only in write/read.
#include <napi.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/Context.h>

#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "caching-allocator.h"
#include "ops.h"

#define TWIST_STR2(x) #x
#define TWIST_STR(x) TWIST_STR2(x)
#include "tensor-table.h"

namespace twist_torch {
namespace {

// Immortal, like the allocator: no tensor destructors run while the process exits.
TensorTable& g_table = *new TensorTable();
at::Device g_device(at::kCPU);

// dtype codes shared with the TS side: 0 float32, 1 int32, 2 bool.
int dtype_code(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return 0;
    case at::kInt: return 1;
    case at::kBool: return 2;
    default: throw std::invalid_argument(std::string("unsupported tensor dtype ") + c10::toString(t));
  }
}

// The BLAS libtorch calls for its matrix products: Debian's libtorch links OpenBLAS's pthreads
// build (as libblas.so.3 and libopenblas.so.0), which keeps its own pool of one thread per core
// that at::set_num_threads (OpenMP's pool) does not size. Unsized, a process told to compute on one
// thread runs its products on every core, and two such processes on a 2-core machine oversubscribe
// it with spinning BLAS threads.
const char* const kBlasLibraries[] = {"libopenblas.so.0", "libblas.so.3", "libcblas.so.3"};

// Calls f(handle) on every loaded library of kBlasLibraries.
template <typename F>
void each_blas(F f) {
  for (const char* name : kBlasLibraries) {
    void* h = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (h == nullptr) continue;
    f(h);
    dlclose(h);
  }
}

void set_blas_threads(int n) {
  each_blas([n](void* h) {
    if (auto set = reinterpret_cast<void (*)(int)>(dlsym(h, "openblas_set_num_threads"))) set(n);
  });
}

// The largest pool among the loaded OpenBLAS libraries (0: none is loaded).
int blas_threads() {
  int most = 0;
  each_blas([&most](void* h) {
    if (auto get = reinterpret_cast<int (*)()>(dlsym(h, "openblas_get_num_threads"))) most = std::max(most, get());
  });
  return most;
}

// Which BLAS serves the process's sgemm_: "openblas", "blis", "atlas", "reference" (netlib's,
// Debian's libblas3: the alternative a plain `apt-get install libtorch-dev` gets, 1.13x slower
// steps here), or "" when no BLAS library is loaded on its own (e.g. a libtorch with MKL linked
// in). Debian picks the implementation through the libblas.so.3 alternative, so the library that
// defines sgemm_ is resolved to its real path.
std::string blas_library() {
  std::string found;
  each_blas([&found](void* h) {
    if (!found.empty()) return;
    if (dlsym(h, "openblas_get_config") != nullptr) {
      found = "openblas";
      return;
    }
    if (dlsym(h, "bli_info_get_version_str") != nullptr) {
      found = "blis";
      return;
    }
    void* sgemm = dlsym(h, "sgemm_");
    Dl_info di{};
    if (sgemm == nullptr || dladdr(sgemm, &di) == 0 || di.dli_fname == nullptr) return;
    char real[PATH_MAX];
    const std::string path = realpath(di.dli_fname, real) != nullptr ? real : di.dli_fname;
    if (path.find("atlas") != std::string::npos) found = "atlas";
    else if (path.find("/blas/") != std::string::npos) found = "reference";
    else found = path;
  });
  return found;
}

// ATen's intra-op pool and the BLAS pool, sized together.
void set_compute_threads(int n) {
  at::set_num_threads(n);
  set_blas_threads(n);
}

std::vector<int64_t> shape_of(const Napi::Value& v) {
  const Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> s(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) s[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return s;
}

template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* what, F f) {
  try {
    return f();
  } catch (const c10::Error& e) {
    Napi::Error::New(info.Env(), std::string(what) + ": " + e.what_without_backtrace())
        .ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    Napi::Error::New(info.Env(), std::string(what) + ": " + e.what()).ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

// init(device: 'cpu'|'cuda', threads: number, cacheBytes: number, tf32: boolean)
//   -> {device, cuda, cudaBuild, tf32, mkldnn, threads, blasThreads, blas}
Napi::Value Init(const Napi::CallbackInfo& info) {
  return guarded(info, "init", [&]() -> Napi::Value {
    const std::string dev = info[0].As<Napi::String>();
    const int threads = info[1].As<Napi::Number>().Int32Value();
    if (dev == "cuda") {
      if (!at::hasCUDA()) throw std::runtime_error("this libtorch has no CUDA support, or no GPU is visible");
      g_device = at::Device(at::kCUDA, 0);
      // float32 as on every other backend unless asked: PyTorch's default lets cuDNN's convolutions
      // run in TF32 (10-bit mantissa, ~1e-3 relative error), which the kernel contract would not pass.
      const bool tf32 = info.Length() > 3 && info[3].ToBoolean().Value();
      at::globalContext().setAllowTF32CuDNN(tf32);
      at::globalContext().setAllowTF32CuBLAS(tf32);
    } else if (dev == "cpu") {
      g_device = at::Device(at::kCPU);
    } else {
      throw std::invalid_argument("unknown device '" + dev + "' (expected cpu or cuda)");
    }
    if (threads > 0) set_compute_threads(threads);
    // cap on what the CPU allocator keeps cached for reuse (bytes; 0 disables the cache)
    const double cap = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
    install_caching_allocator(static_cast<size_t>(cap));
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("device", g_device.str());
    o.Set("cuda", at::hasCUDA());
    o.Set("mkldnn", at::hasMKLDNN());
    o.Set("cudaBuild", TWIST_TORCH_CUDA == 1);
    o.Set("tf32", g_device.is_cuda() && at::globalContext().allowTF32CuDNN());
    o.Set("threads", at::get_num_threads());
    o.Set("blasThreads", blas_threads());
    o.Set("blas", blas_library());
    return o;
  });
}

// write(values: Float32Array|Int32Array|Uint8Array, shape: number[], dtype: 0|1|2) -> handle
Napi::Value Write(const Napi::CallbackInfo& info) {
  return guarded(info, "write", [&]() -> Napi::Value {
    const Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
    const auto shape = shape_of(info[1]);
    const int code = info[2].As<Napi::Number>().Int32Value();
    at::ScalarType t = code == 0 ? at::kFloat : code == 1 ? at::kInt : at::kBool;
    int64_t n = 1;
    for (auto d : shape) n *= d;
    const size_t elem = code == 2 ? 1 : 4;
    if (arr.ByteLength() != static_cast<size_t>(n) * elem)
      throw std::invalid_argument("values hold " + std::to_string(arr.ByteLength()) + " bytes, shape needs " +
                                  std::to_string(n * elem));
    uint8_t* data = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
    at::Tensor host = at::empty(shape, at::TensorOptions().dtype(t));
    if (n > 0) std::memcpy(host.data_ptr(), data, n * elem);
    return Napi::Number::New(info.Env(), static_cast<double>(g_table.put(host.to(g_device))));
  });
}

// read(handle) -> Float32Array|Int32Array|Uint8Array (a copy, row-major)
Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info, "read", [&]() -> Napi::Value {
    const at::Tensor& t = g_table.get(info[0].As<Napi::Number>().Int64Value());
    // From a GPU: through pinned host memory (PyTorch's caching host allocator), one DMA copy.
    const at::Tensor host =
        t.is_cuda() ? at::empty(t.sizes(), t.options().device(at::kCPU).pinned_memory(true)).copy_(t)
                    : t.contiguous();
    const int code = dtype_code(host.scalar_type());
    const size_t n = static_cast<size_t>(host.numel());
    Napi::Env env = info.Env();
    if (code == 0) {
      auto out = Napi::Float32Array::New(env, n);
      if (n) std::memcpy(out.Data(), host.data_ptr(), n * 4);
      return out;
    }
    if (code == 1) {
      auto out = Napi::Int32Array::New(env, n);
      if (n) std::memcpy(out.Data(), host.data_ptr(), n * 4);
      return out;
    }
    auto out = Napi::Uint8Array::New(env, n);
    if (n) std::memcpy(out.Data(), host.data_ptr(), n);
    return out;
  });
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), g_table.erase(info[0].As<Napi::Number>().Int64Value()));
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("tensors", static_cast<double>(g_table.size()));
  o.Set("bytes", static_cast<double>(g_table.bytes()));
  const CacheStats c = caching_allocator_stats();
  o.Set("cachedBytes", static_cast<double>(c.cached_bytes));
  o.Set("cacheHits", static_cast<double>(c.hits));
  o.Set("cacheMisses", static_cast<double>(c.misses));
  return o;
}

// Kernel calls: the kernel by index (its position in kernels()), its handles and arguments, and its
// results, all through one Float64Array the JS side holds (io() returns it), so a call builds no JS
// array and converts no string. Layout in: [nIn, handle..., nArgs, arg...]; out: [count, (handle,
// dtype, rank, dims...) per output]. The buffer grows (a new one) when a call or its results need more.
constexpr size_t kIoInitialLength = 4096;

struct IoBuffer {
  Napi::Reference<Napi::Float64Array> ref;
  double* data = nullptr;
  size_t length = 0;
};

// The environment's buffer, replaced by a larger one first when it holds fewer than `min` numbers.
IoBuffer& io_buffer(Napi::Env env, size_t min = 0) {
  IoBuffer* b = env.GetInstanceData<IoBuffer>();
  if (b == nullptr) {
    b = new IoBuffer();
    env.SetInstanceData(b);
  }
  if (b->length < min || b->length == 0) {
    size_t n = std::max(b->length, kIoInitialLength);
    while (n < min) n *= 2;
    Napi::Float64Array a = Napi::Float64Array::New(env, n);
    b->data = a.Data();
    b->length = n;
    b->ref = Napi::Persistent(a);
  }
  return *b;
}

// io(minLength?) -> the call buffer, holding at least minLength numbers
Napi::Value Io(const Napi::CallbackInfo& info) {
  const double min = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(min >= 0 && min <= static_cast<double>(1u << 30)))
    throw Napi::RangeError::New(info.Env(), "io: a minimum length of 0 to 2^30 numbers");
  return io_buffer(info.Env(), static_cast<size_t>(min)).ref.Value();
}

// opAt(index) -> the call buffer: runs kernel kernels()[index] on the call written into io(); its
// results replace the call, in the buffer returned (a larger one when they did not fit).
Napi::Value OpAt(const Napi::CallbackInfo& info) {
  const uint32_t index = info[0].As<Napi::Number>().Uint32Value();
  const auto& names = op_names();
  const char* what = index < names.size() ? names[index].c_str() : "opAt";
  return guarded(info, what, [&]() -> Napi::Value {
    const IoBuffer& buf = io_buffer(info.Env());
    const double* io = buf.data;
    // A count at io[at], checked: a whole number whose items fit in the buffer after it.
    auto count = [&](size_t at) -> size_t {
      const double n = io[at];
      if (n >= 0 && n <= static_cast<double>(buf.length) && n == static_cast<double>(static_cast<size_t>(n)) &&
          at + 1 + static_cast<size_t>(n) <= buf.length)
        return static_cast<size_t>(n);
      char shown[32];
      std::snprintf(shown, sizeof shown, "%g", n);
      throw std::invalid_argument(std::string("malformed call in io(): a count of ") + shown + " at index " +
                                  std::to_string(at));
    };
    const size_t n_in = count(0);
    Tensors in;
    in.reserve(n_in);
    for (size_t i = 0; i < n_in; i++) in.push_back(g_table.get(static_cast<int64_t>(io[1 + i])));
    const size_t n_args = count(1 + n_in);
    const Args a(io + 2 + n_in, io + 2 + n_in + n_args);
    const Tensors out = run_op(index, in, a);
    size_t need = 1;
    std::vector<int> codes;
    for (const auto& t : out) {
      need += 3 + t.dim();
      codes.push_back(dtype_code(t.scalar_type()));
    }
    IoBuffer& res = io_buffer(info.Env(), need);
    double* r = res.data;
    size_t k = 0;
    r[k++] = static_cast<double>(out.size());
    for (size_t j = 0; j < out.size(); j++) {
      const at::Tensor& t = out[j];
      r[k++] = static_cast<double>(g_table.put(t));
      r[k++] = codes[j];
      r[k++] = static_cast<double>(t.dim());
      for (auto d : t.sizes()) r[k++] = static_cast<double>(d);
    }
    return res.ref.Value();
  });
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  set_compute_threads(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value Kernels(const Napi::CallbackInfo& info) {
  const auto names = op_names();
  Napi::Array r = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); i++) r.Set(static_cast<uint32_t>(i), names[i]);
  return r;
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("opAt", Napi::Function::New(env, OpAt));
  exports.Set("io", Napi::Function::New(env, Io));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("kernels", Napi::Function::New(env, Kernels));
  exports.Set("torchVersion", Napi::String::New(env, TWIST_STR(TWIST_TORCH_VERSION)));
  return exports;
}

}  // namespace
}  // namespace twist_torch

static Napi::Object TwistTorchInit(Napi::Env env, Napi::Object exports) {
  return twist_torch::Module(env, exports);
}

NODE_API_MODULE(twist_torch, TwistTorchInit)
