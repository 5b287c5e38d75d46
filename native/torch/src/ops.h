// The ATen kernels behind the tfjs `torch` backend, by name.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <vector>

namespace twist_torch {

using Tensors = std::vector<at::Tensor>;
using Args = std::vector<double>;

// Runs kernel `name` on `inputs` with numeric `args` (each kernel documents its layout in ops.cc).
// Throws std::invalid_argument for an unknown kernel or a bad argument list, c10::Error from ATen.
Tensors run_op(const std::string& name, const Tensors& inputs, const Args& args);

// Every kernel name run_op knows, sorted: a kernel's position here is its index for run_op_at.
const std::vector<std::string>& op_names();

// run_op by the kernel's index in op_names() (no name lookup: the per-call path of the backend).
// Throws std::invalid_argument for an index out of range, else as run_op.
Tensors run_op_at(size_t index, const Tensors& inputs, const Args& args);

}  // namespace twist_torch
