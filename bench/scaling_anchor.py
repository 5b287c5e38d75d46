#!/usr/bin/python3
"""Anchor for `npm run bench -- scaling`: the same data-parallel TWIST step in PyTorch on this machine's
CPUs, one process (one thread) on the global batch against two processes (one thread each) on half of it,
gradients averaged by DistributedDataParallel over gloo (TCP loopback), the diversity term over the
global batch (all-reduce of the class sums, with its gradient), and BatchNorm either synchronised
across the processes (a SyncBatchNorm for CPU: PyTorch's own runs on CUDA only) or per process.
Model: the CIFAR-style ResNet-18 of width W and the TWIST head (hidden 512, dim 10) of
anchors/twist_torch_fmnist.py; inputs are two random views per image (no loader).
Prints one JSON line per measurement, then the medians of the rounds: the efficiency (with each
round's), two processes' images/s, and the ms a step that data parallelism costs (two processes' step
less half of one's).
Usage: scaling_anchor.py WIDTH GLOBAL_BATCH STEPS WARMUP SYNC_BN(1|0) ROUNDS"""
import json, os, socket, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
import torch.distributed as dist
import torch.distributed.nn.functional as distF
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP


class SyncBNFunction(torch.autograd.Function):
    """BatchNorm over all processes: one all-reduce of (sum, sum of squares, count) forward, one of
    (sum dy, sum dy*xhat) backward; gamma/beta gradients local (DDP averages them)."""

    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        c = x.shape[1]
        dims = [0, 2, 3] if x.dim() == 4 else [0]
        shape = [1, c, 1, 1] if x.dim() == 4 else [1, c]
        stats = torch.cat([x.sum(dims), (x * x).sum(dims), torch.tensor([float(x.numel() // c)])])
        dist.all_reduce(stats)
        n = stats[-1]
        mean = stats[:c] / n
        invstd = torch.rsqrt(stats[c:2 * c] / n - mean * mean + eps)
        xhat = (x - mean.view(shape)) * invstd.view(shape)
        ctx.save_for_backward(xhat, weight, invstd)
        ctx.n, ctx.dims, ctx.shape = n, dims, shape
        return xhat * weight.view(shape) + bias.view(shape)

    @staticmethod
    def backward(ctx, dy):
        xhat, weight, invstd = ctx.saved_tensors
        c, dims, shape = weight.numel(), ctx.dims, ctx.shape
        local = torch.cat([dy.sum(dims), (dy * xhat).sum(dims)])
        total = local.clone()
        dist.all_reduce(total)
        mdy, mdyx = total[:c] / ctx.n, total[c:] / ctx.n
        dx = (weight * invstd).view(shape) * (dy - mdy.view(shape) - xhat * mdyx.view(shape))
        return dx, local[c:], local[:c], None


class SyncBN(nn.Module):
    def __init__(s, bn):
        super().__init__()
        c = bn.num_features
        s.eps = bn.eps
        s.weight = bn.weight if bn.affine else None
        s.bias = bn.bias if bn.affine else None
        s.register_buffer('ones', torch.ones(c))
        s.register_buffer('zeros', torch.zeros(c))

    def forward(s, x):
        w = s.weight if s.weight is not None else s.ones
        b = s.bias if s.bias is not None else s.zeros
        return SyncBNFunction.apply(x, w, b, s.eps)


def sync_bn(module):
    for name, child in module.named_children():
        if isinstance(child, (nn.BatchNorm1d, nn.BatchNorm2d)):
            setattr(module, name, SyncBN(child))
        else:
            sync_bn(child)
    return module


class Block(nn.Module):
    def __init__(s, i, o, st):
        super().__init__()
        s.c1 = nn.Conv2d(i, o, 3, st, 1, bias=False); s.b1 = nn.BatchNorm2d(o)
        s.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(o)
        s.sc = nn.Sequential() if st == 1 and i == o else nn.Sequential(nn.Conv2d(i, o, 1, st, bias=False), nn.BatchNorm2d(o))

    def forward(s, x):
        return F.relu(s.b2(s.c2(F.relu(s.b1(s.c1(x))))) + s.sc(x))


class Twist(nn.Module):
    def __init__(s, w):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(1, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        layers, i = [], w
        for o, st in [(w, 1), (w, 1), (2 * w, 2), (2 * w, 1), (4 * w, 2), (4 * w, 1), (8 * w, 2), (8 * w, 1)]:
            layers.append(Block(i, o, st)); i = o
        s.layers = nn.Sequential(*layers)
        s.head = nn.Sequential(nn.Linear(i, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 512),
                               nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 10), nn.BatchNorm1d(10, affine=False))

    def forward(s, x):
        return s.head(F.adaptive_avg_pool2d(s.layers(s.stem(x)), 1).flatten(1))


def twist_loss(z1, z2, world):
    p1, p2 = F.softmax(z1, 1), F.softmax(z2, 1)
    kl = 0.5 * ((p1 * (F.log_softmax(z1, 1) - F.log_softmax(z2, 1))).sum(1).mean()
                + (p2 * (F.log_softmax(z2, 1) - F.log_softmax(z1, 1))).sum(1).mean())
    eh = -0.5 * ((p1 * F.log_softmax(z1, 1)).sum(1).mean() + (p2 * F.log_softmax(z2, 1)).sum(1).mean())
    sums = torch.stack([p1.sum(0), p2.sum(0)])
    n = torch.tensor(float(z1.shape[0]))
    if world > 1:  # the diversity term over the global batch, its gradient through the all-reduce
        sums = distF.all_reduce(sums)
        n = n * world
    m = sums / n
    he = -0.5 * (m * torch.log(m + 1e-5)).sum()
    return kl + eh - he


def worker(rank, world, port, width, batch, steps, warmup, sync, out):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = Twist(width)
    if world > 1:
        dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world)
        if sync:
            sync_bn(model)
        model = DDP(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    local = batch // world
    times = []
    for s in range(steps):
        x1, x2 = torch.randn(local, 1, 28, 28), torch.randn(local, 1, 28, 28)
        t0 = time.perf_counter()
        z = model(torch.cat([x1, x2]))
        loss = twist_loss(z[:local], z[local:], world)
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    m = times[warmup:]
    out.put((rank, sum(m) / len(m)))


def measure(world, width, batch, steps, warmup, sync):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    ctx = mp.get_context('spawn')
    q = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(r, world, port, width, batch, steps, warmup, sync, q)) for r in range(world)]
    for p in procs: p.start()
    res = [q.get() for _ in procs]
    for p in procs: p.join()
    return max(t for _, t in res)  # the step ends when the slowest rank's does


def main():
    width, batch, steps, warmup, sync, rounds = (int(a) for a in sys.argv[1:7])
    effs, ips2, overheads = [], [], []
    for r in range(1, rounds + 1):
        secs = {}
        for world in ([1, 2] if r % 2 == 1 else [2, 1]):
            t = measure(world, width, batch, steps, warmup, sync and world > 1)
            secs[world] = t
            print(json.dumps({'round': r, 'processes': world, 'ms_per_step': round(1000 * t), 'images_per_s': round(batch / t, 1)}), flush=True)
        effs.append(secs[1] / (2 * secs[2]))
        ips2.append(batch / secs[2])
        # What data parallelism costs a step: the two-process step less half the one-process step.
        overheads.append(1000 * (secs[2] - secs[1] / 2))
    median = statistics.median
    print(json.dumps({'efficiency': round(median(effs), 3), 'rounds': [round(x, 3) for x in effs],
                      'images_per_s_2': round(median(ips2), 1), 'ms_overhead_2': round(median(overheads))}), flush=True)


if __name__ == '__main__':
    main()
