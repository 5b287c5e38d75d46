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

// Every kernel name run_op knows.
std::vector<std::string> op_names();

}  // namespace twist_torch
