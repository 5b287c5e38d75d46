#!/usr/bin/python3
"""Anchor for `npm run bench -- eval`: the same work in scikit-learn / SciPy / PyTorch on this machine.
Prints one JSON line. Usage: eval_anchor.py N K D NTRAIN NTEST"""
import json, sys, time
import numpy as np, torch
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_mutual_info_score

n, k, d, ntr, nte = (int(a) for a in sys.argv[1:6])
torch.set_num_threads(2)
i = np.arange(n, dtype=np.int64)
labels = i % k
preds = np.where(((i // k) * 7 + i) % 10 < 4, (labels * 7) % k, ((i // k) * 7919 + i * 13) % k)
t = time.time(); ami = adjusted_mutual_info_score(labels, preds); t_ami = time.time() - t
t = time.time()
counts = np.zeros((k, k)); np.add.at(counts, (preds, labels), 1)
r, c = linear_sum_assignment(-counts); acc = counts[r, c].sum() / n; t_acc = time.time() - t
g = torch.Generator().manual_seed(0)
ftr = torch.nn.functional.normalize(torch.randn(ntr, d, generator=g), dim=1); ytr = torch.randint(0, 10, (ntr,), generator=g)
fte = torch.nn.functional.normalize(torch.randn(nte, d, generator=g), dim=1)
t = time.time()
for s in range(0, nte, 500):
    w, ix = (fte[s:s + 500] @ ftr.T).topk(200, dim=1)
    torch.zeros(len(w), 10).scatter_add_(1, ytr[ix], (w / 0.1).exp()).argmax(1)
t_knn = time.time() - t
print(json.dumps(dict(bench="eval", impl="sklearn-scipy-torch", ami=round(ami, 6), acc=round(acc, 6), ami_seconds=round(t_ami, 3), hungarian_acc_seconds=round(t_acc, 3), knn_seconds=round(t_knn, 3))))
