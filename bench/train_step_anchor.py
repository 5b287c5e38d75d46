#!/usr/bin/env python3
"""The train-step benchmark's model in PyTorch, timed per step on a chosen device: the shared anchor's
ResNet-18 (CIFAR stem), TWIST head, loss and LARS (imported from ../shared/anchors/twist_torch_fmnist.py,
or TWIST_ANCHORS_DIR), two views of a batch of Fashion-MNIST, no augmentation (inputs are prepared on the
device once, as the GPU check compares kernels, not loaders). Prints one JSON line.
Usage: train_step_anchor.py [--device cpu|cuda] [--steps N] [--batch B] [--width W] [--threads T]"""
import argparse, json, os, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("TWIST_ANCHORS_DIR", os.path.join(here, "..", "..", "shared", "anchors")))
import torch  # noqa: E402
import twist_torch_fmnist as A  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--device", default="cpu"); p.add_argument("--steps", type=int, default=20)
p.add_argument("--batch", type=int, default=256); p.add_argument("--width", type=int, default=16)
p.add_argument("--threads", type=int, default=2)
o = p.parse_args()
torch.set_num_threads(o.threads)
dev = torch.device(o.device)
bb = A.ResNet18(o.width).to(dev); hd = A.Head(bb.dim, 512, 10).to(dev)
params = list(bb.parameters()) + list(hd.parameters())
wts = [q for q in params if q.ndim > 1]; rest = [q for q in params if q.ndim <= 1]
opt = A.LARS([dict(params=wts, weight_decay=1.5e-6), dict(params=rest, weight_decay=0, lars_exclude=True)], lr=0.05)
x = ((A.Xtr[: 2 * o.batch] - A.MEAN) / A.STD).to(dev)
times = []
for s in range(o.steps + 3):
    if dev.type == "cuda": torch.cuda.synchronize()
    t0 = time.perf_counter()
    z = hd(bb(x)); loss = A.twist_loss(z[: o.batch], z[o.batch:])[0]
    for q in params: q.grad = None
    loss.backward(); opt.step(); loss.item()
    if dev.type == "cuda": torch.cuda.synchronize()
    if s >= 3: times.append(time.perf_counter() - t0)
times.sort(); ms = 1000 * times[len(times) // 2]
print(json.dumps(dict(bench="train-step", impl="pytorch", device=str(dev), torch=torch.__version__, threads=torch.get_num_threads(),
                      batch=o.batch, width=o.width, steps=o.steps, ms_per_step=round(ms, 1), images_per_s=round(1000 * o.batch / ms, 1))))
