#!/usr/bin/python3
"""Anchor for `npm run bench -- loader`: the seed's augmentations (spec 3) with torchvision's transforms
on PIL, one process, one thread: decoded JPEG -> views, images/s. Usage: loader_anchor.py DIR SECONDS
Prints one JSON line per pipeline: {"pipeline": ..., "images_per_s": ...}."""
import json, os, random, sys, time
import torch
from PIL import Image, ImageFilter, ImageOps
from torchvision import transforms as T

torch.set_num_threads(1)
root, seconds = sys.argv[1], float(sys.argv[2])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".jpg"))


class Blur:
    def __init__(self, p, lo=0.1, hi=2.0): self.p, self.lo, self.hi = p, lo, hi
    def __call__(self, img):
        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(self.lo, self.hi))) if random.random() < self.p else img


class Solarize:
    def __init__(self, p): self.p = p
    def __call__(self, img): return ImageOps.solarize(img) if random.random() < self.p else img


def view(size, scale, blur, sol):
    return T.Compose([
        T.RandomResizedCrop(size, scale=scale, interpolation=T.InterpolationMode.BICUBIC),
        T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8),
        T.RandomGrayscale(p=0.2),
        Blur(blur), Solarize(sol),
        T.ToTensor(), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    ])


pipelines = {
    "barlow": [view(224, (0.08, 1), 1.0, 0.0), view(224, (0.08, 1), 0.1, 0.2)],
    "multicrop": [view(224, (0.4, 1), 1.0, 0.0), view(224, (0.4, 1), 0.1, 0.2)] + [view(96, (0.05, 0.4), 0.5, 0.0)] * 6,
}
for name, views in pipelines.items():
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        img = Image.open(files[n % len(files)]).convert("RGB")
        out = [v(img) for v in views]
        n += 1
    print(json.dumps({"pipeline": name, "images_per_s": n / (time.perf_counter() - t0)}), flush=True)
