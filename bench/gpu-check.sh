#!/usr/bin/env bash
# The torch backend on an NVIDIA GPU. For a machine with a GPU, a CUDA build of PyTorch (python3 -c
# 'import torch' works and torch.cuda.is_available()) and Node >= 20: builds the addon against that
# PyTorch's libtorch (torch/include, torch/lib), runs the kernel contract on CUDA, then the train-step
# benchmark on CUDA beside the same model in PyTorch on the same GPU. JSON lines on stdout.
# Usage: bench/gpu-check.sh [--python PY] [--steps N] [--batch B] [--width W]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3 STEPS=20 BATCH=256 WIDTH=16
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --width) WIDTH=$2; shift 2 ;;
    *) echo "gpu-check: unknown flag $1" >&2; exit 2 ;;
  esac
done
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2
TORCH_DIR=$("$PY" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
"$PY" - <<'PY' >&2
import torch
assert torch.version.cuda, f"PyTorch {torch.__version__} is not a CUDA build"
assert torch.cuda.is_available(), "CUDA PyTorch sees no GPU (driver? CUDA_VISIBLE_DEVICES?)"
print(f"PyTorch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}")
PY
[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund >&2
TWIST_LIBTORCH_DIR="$TORCH_DIR" node native/torch/build.mjs --strict >&2
npm run build --silent >&2
export TWIST_BACKEND=torch
node -e "import('./dist/twist/index.js').then(async (m) => { const b = await m.selectBackend({ name: 'torch' }); console.log(JSON.stringify({ bench: 'gpu-check', backend: b.detail })); if (!/CUDA/.test(b.detail)) process.exit(1); })"
npx ava dist/test/twist/kernels-torch.test.js >&2
node dist/bench/main.js train-step --steps "$STEPS" --batch "$BATCH" --width "$WIDTH" --no-anchor
"$PY" bench/train_step_anchor.py --device cuda --steps "$STEPS" --batch "$BATCH" --width "$WIDTH"
