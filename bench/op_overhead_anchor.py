#!/usr/bin/env python3
"""The op-overhead benchmark's anchor: the same chains of small element-wise ops in PyTorch (eager,
one thread, on a chosen device), microseconds per op, median of rounds. Prints one JSON line per op.
Usage: op_overhead_anchor.py [--device cpu|cuda] [--ops N] [--rounds R]"""
import argparse, json, statistics, time

import torch

p = argparse.ArgumentParser()
p.add_argument("--device", default="cpu"); p.add_argument("--ops", type=int, default=20000)
p.add_argument("--rounds", type=int, default=5)
o = p.parse_args()
torch.set_num_threads(1)
dev = torch.device(o.device)


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


for op in ("add", "mul", "reshape"):
    for n in (4, 4096):
        x = torch.ones(n, device=dev); y = torch.ones(n, device=dev)
        rounds = []
        for r in range(o.rounds + 1):
            sync(); t0 = time.perf_counter()
            for _ in range(o.ops):
                if op == "add": x = torch.add(x, y)
                elif op == "mul": x = torch.mul(x, y)
                else: x = torch.reshape(x, (n // 2, 2) if x.dim() == 1 else (n,))
            x.sum().item()
            if r: rounds.append((time.perf_counter() - t0) * 1e6 / o.ops)
        print(json.dumps({"bench": "op-overhead", "impl": "pytorch", "device": o.device, "torch": torch.__version__,
                          "op": op, "elements": n, "us_per_op": round(statistics.median(rounds), 2)}), flush=True)
