// The ATen kernels behind the tfjs `torch` backend, by name.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <vector>

namespace twist_torch {

using Tensors = std::vector<at::Tensor>;
using Args = std::vector<double>;

// Every kernel's name, sorted: a kernel's position here is its index for run_op.
const std::vector<std::string>& op_names();

// Runs kernel op_names()[index] on `inputs` with numeric `args` (each kernel documents its layout in
// ops.cc). Throws std::invalid_argument for an index out of range or a bad argument list, c10::Error
// from ATen.
Tensors run_op(size_t index, const Tensors& inputs, const Args& args);

}  // namespace twist_torch
