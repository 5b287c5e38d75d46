#include "caching-allocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <torch/version.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace twist_torch {
namespace {

constexpr size_t kSmall = 64 << 10;  // below: plain aligned malloc/free
constexpr size_t kHuge = 2 << 20;    // from here: 2 MiB alignment and MADV_HUGEPAGE

// Size classes: four per power of two (at most 19 % rounding waste).
size_t size_class(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  const size_t q = p >> 3;  // p/8 steps between p/2 and p
  const size_t r = ((n + q - 1) / q) * q;
  return r < p ? r : p;
}


class CachingCpuAllocator final : public c10::Allocator {
 public:
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  c10::DataPtr allocate(size_t n) override { return alloc(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }
#else
  c10::DataPtr allocate(size_t n) const override { return alloc(n); }
#endif
  // oneDNN allocates through raw_allocate/raw_deallocate, which need this.
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  void set_cap(size_t cap) {
    std::lock_guard<std::mutex> g(mu_);
    cap_ = cap;
  }
  CacheStats stats() {
    std::lock_guard<std::mutex> g(mu_);
    return {cached_, allocated_, hits_, misses_};
  }

 private:
  c10::DataPtr alloc(size_t n) const { return const_cast<CachingCpuAllocator*>(this)->take(n); }

  c10::DataPtr take(size_t n) {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n < kSmall) {
      void* p = nullptr;
      if (posix_memalign(&p, 64, n ? n : 1) != 0) throw std::bad_alloc();
      std::lock_guard<std::mutex> g(mu_);
      live_[p] = 0;
      return {p, p, &release, cpu};
    }
    const size_t size = size_class(n);
    {
      std::lock_guard<std::mutex> g(mu_);
      // Best fit: the smallest cached block of this class or a larger one up to 1.5× the class (two
      // classes up), so that a step on a slightly different batch size (a data-parallel share that
      // moved) reuses the blocks of the last one instead of faulting in fresh pages.
      auto it = free_.lower_bound(size);
      while (it != free_.end() && it->second.empty()) ++it;
      if (it != free_.end() && it->first <= size + size / 2) {
        const size_t block = it->first;
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= block;
        allocated_ += block;
        hits_++;
        live_[p] = block;
        return {p, p, &release, cpu};
      }
      misses_++;
      allocated_ += size;
    }
    void* p = nullptr;
    if (posix_memalign(&p, size >= kHuge ? kHuge : 4096, size) != 0) {
      trim_all();
      if (posix_memalign(&p, size >= kHuge ? kHuge : 4096, size) != 0) throw std::bad_alloc();
    }
    if (size >= kHuge) madvise(p, size, MADV_HUGEPAGE);
    {
      std::lock_guard<std::mutex> g(mu_);
      live_[p] = size;
    }
    // ATen requires the context to be the data pointer itself (DataPtr::get_context), so the
    // block's size class is looked up at release.
    return {p, p, &release, cpu};
  }

  void give_back(void* p) {
    bool keep;
    {
      std::lock_guard<std::mutex> g(mu_);
      auto it = live_.find(p);
      const size_t size = it->second;
      live_.erase(it);
      allocated_ -= size;
      keep = size > 0 && cached_ + size <= cap_;
      if (keep) {
        free_[size].push_back(p);
        cached_ += size;
      }
    }
    if (!keep) std::free(p);
  }

  void trim_all() {
    std::lock_guard<std::mutex> g(mu_);
    for (auto& kv : free_)
      for (void* p : kv.second) std::free(p);
    free_.clear();
    cached_ = 0;
  }

  static void release(void* ctx);

  std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_;
  std::unordered_map<void*, size_t> live_;
  size_t cap_ = 0, cached_ = 0, allocated_ = 0, hits_ = 0, misses_ = 0;
};

// Immortal (never destroyed): tensors may still be released during the process's exit, after
// static destructors of other translation units ran.
CachingCpuAllocator& g_allocator = *new CachingCpuAllocator();

void CachingCpuAllocator::release(void* ctx) { g_allocator.give_back(ctx); }

}  // namespace

void install_caching_allocator(size_t cap_bytes) {
  g_allocator.set_cap(cap_bytes);
  static bool installed = false;
  if (!installed) {
    c10::SetCPUAllocator(&g_allocator, /*priority=*/100);
    installed = true;
  }
}

CacheStats caching_allocator_stats() { return g_allocator.stats(); }

}  // namespace twist_torch
