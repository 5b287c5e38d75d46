// The table of live ATen tensors the JS backend holds by integer handle.
#pragma once
#include <ATen/ATen.h>
#include <cstdint>
#include <unordered_map>

namespace twist_torch {

class TensorTable {
 public:
  int64_t put(at::Tensor t) {
    const int64_t id = next_++;
    bytes_ += t.numel() * static_cast<int64_t>(t.element_size());
    tensors_.emplace(id, std::move(t));
    return id;
  }
  // Throws std::out_of_range naming the handle when it is unknown.
  const at::Tensor& get(int64_t id) const {
    auto it = tensors_.find(id);
    if (it == tensors_.end()) throw std::out_of_range("unknown tensor handle " + std::to_string(id));
    return it->second;
  }
  bool erase(int64_t id) {
    auto it = tensors_.find(id);
    if (it == tensors_.end()) return false;
    bytes_ -= it->second.numel() * static_cast<int64_t>(it->second.element_size());
    tensors_.erase(it);
    return true;
  }
  size_t size() const { return tensors_.size(); }
  int64_t bytes() const { return bytes_; }

 private:
  std::unordered_map<int64_t, at::Tensor> tensors_;
  int64_t next_ = 1;
  int64_t bytes_ = 0;
};

}  // namespace twist_torch
