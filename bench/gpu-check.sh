#!/usr/bin/env bash
# The torch backend on an NVIDIA GPU. For a machine with a GPU, a CUDA build of PyTorch (python3 -c
# 'import torch' works and torch.cuda.is_available()) and Node >= 20. In order, each stage going on
# when an earlier one failed (only the addon's build stops it):
#   1. builds the addon against that PyTorch's libtorch (torch/include, torch/lib);
#   2. `twist doctor`, and the backend's detail must say CUDA;
#   3. the kernel contract on CUDA against the cpu backend (test/twist/kernels-torch.test.js);
#   4. the train-step benchmark on CUDA, then the same step in PyTorch on the same GPU;
#   5. the demo with its trainer on the GPU (`twist demo --trainers 1 --gpus-per-trainer 1`): the
#      worker detects the GPU, the trainer actor is pinned to it and trains there.
# JSON lines on stdout (the benchmarks', the demo's), the rest on stderr; exits 1 when a stage failed.
# Usage: bench/gpu-check.sh [--python PY (default: TWIST_ANCHOR_PYTHON, else python3)] [--steps N] [--batch B] [--width W] [--demo-steps N] [--prebuilt]
#   --prebuilt: use dist/ as it is (no TypeScript compiler there) instead of `npm run build`.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${TWIST_ANCHOR_PYTHON:-python3} STEPS=20 BATCH=256 WIDTH=16 DEMO_STEPS=40 PREBUILT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --width) WIDTH=$2; shift 2 ;;
    --demo-steps) DEMO_STEPS=$2; shift 2 ;;
    --prebuilt) PREBUILT=1; shift ;;
    *) echo "gpu-check: unknown flag $1" >&2; exit 2 ;;
  esac
done
failed=()
stage() { # stage NAME COMMAND...: runs it, times it, records a failure and goes on
  local name=$1 t0=$SECONDS; shift
  echo "gpu-check: $name" >&2
  if "$@"; then echo "gpu-check: $name ok ($((SECONDS - t0)) s)" >&2
  else echo "gpu-check: $name FAILED ($((SECONDS - t0)) s)" >&2; failed+=("$name"); fi
}
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2
TORCH_DIR=$("$PY" -c 'import os, torch; print(os.path.dirname(torch.__file__))') || exit 1
"$PY" - <<'PY' >&2 || exit 1
import torch
assert torch.version.cuda, f"PyTorch {torch.__version__} is not a CUDA build"
assert torch.cuda.is_available(), "CUDA PyTorch sees no GPU (driver? CUDA_VISIBLE_DEVICES?)"
print(f"PyTorch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}")
PY
[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund >&2 || exit 1
TWIST_LIBTORCH_DIR="$TORCH_DIR" node native/torch/build.mjs --strict >&2 || exit 1
[ "$PREBUILT" = 1 ] || npm run build --silent >&2 || exit 1
export TWIST_BACKEND=torch
stage doctor node dist/cli/main.js doctor
stage "backend is CUDA" node -e "import('./dist/twist/index.js').then(async (m) => { const b = await m.selectBackend({ name: 'torch' }); console.log(JSON.stringify({ bench: 'gpu-check', backend: b.detail })); if (!/CUDA/.test(b.detail)) process.exit(1); })"
stage "kernel contract on CUDA" npx ava --timeout=5m dist/test/twist/kernels-torch.test.js
stage "train-step on CUDA" node dist/bench/main.js train-step --steps "$STEPS" --batch "$BATCH" --width "$WIDTH" --no-anchor
stage "train-step in PyTorch on CUDA" "$PY" bench/train_step_anchor.py --device cuda --steps "$STEPS" --batch "$BATCH" --width "$WIDTH"
stage "demo, trainer on the GPU" node dist/cli/main.js demo --trainers 1 --gpus-per-trainer 1 --max-steps "$DEMO_STEPS" --dashboard-port 0 --json
if [ ${#failed[@]} -gt 0 ]; then
  echo "gpu-check: failed: ${failed[*]}" >&2
  exit 1
fi
echo "gpu-check: all stages passed" >&2
