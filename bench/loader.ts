import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Random } from '../core/index.js';
import { ImageFolderDataset } from '../data/index.js';
import { barlowViews, multiCropViews, nativeAugment, RgbViewAugmenter } from '../twist/index.js';
import { anchorPython } from './anchor.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

/** Writes `count` JPEGs of ImageNet's typical size (500×375, smooth colour fields plus noise, quality 90). */
async function makeJpegs(dir: string, count: number): Promise<void> {
  const rng = new Random(11);
  for (let i = 0; i < count; i++) {
    const cls = path.join(dir, `class${i % 4}`);
    mkdirSync(cls, { recursive: true });
    const file = path.join(cls, `img${i}.jpg`);
    if (existsSync(file)) continue;
    const [w, h] = [500, 375];
    const px = new Uint8Array(w * h * 3);
    const [a, b, c] = [rng.next() * 6, rng.next() * 6, rng.next() * 6];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        px[o] = 128 + 100 * Math.sin(a + x / 40) + 20 * rng.normal();
        px[o + 1] = 128 + 100 * Math.sin(b + y / 30) + 20 * rng.normal();
        px[o + 2] = 128 + 100 * Math.sin(c + (x + y) / 50) + 20 * rng.normal();
      }
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file);
  }
}

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const seconds = args.positive('seconds', 10);
  const dir = path.join(process.cwd(), '.tmp', 'loader-jpegs');
  await makeJpegs(dir, args.int('images', 300));
  sharp.concurrency(1);
  const ds = await ImageFolderDataset.open(dir);
  const ours = new Map<string, number>();
  for (const [name, views] of [
    ['barlow', barlowViews(224)],
    ['multicrop', multiCropViews({ locals: 6 })],
  ] as const) {
    const augs = views.map((v) => new RgbViewAugmenter(v));
    const outs = augs.map((a) => new Float32Array(a.outputSize));
    const rng = new Random(1);
    let n = 0;
    let decode = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const td = performance.now();
      const img = await ds.get(n % ds.length);
      decode += performance.now() - td;
      if (!img) throw new Error(`cannot decode ${ds.file(n % ds.length)}`);
      augs.forEach((a, i) => a.apply(rng, img.data, img.height, img.width, outs[i]!));
      n++;
    }
    const total = (performance.now() - t0) / 1000;
    ours.set(name, n / total);
    emit({
      bench: 'loader',
      pipeline: name,
      native_loops: nativeAugment() !== undefined,
      images_per_s: n / total,
      decode_share: decode / 1000 / total,
      skipped: ds.skipped,
    });
  }
  if (args.has('no-anchor')) return;
  const script = fileURLToPath(new URL('../../bench/loader_anchor.py', import.meta.url));
  const out = execFileSync(anchorPython(), [script, dir, String(seconds)], { encoding: 'utf8' });
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as { pipeline: string; images_per_s: number };
    emit({
      anchor: 'torchvision',
      ...r,
      ours_images_per_s: ours.get(r.pipeline),
      ratio: (ours.get(r.pipeline) ?? 0) / r.images_per_s,
    });
  }
}

/**
 * `npm run bench -- loader [--seconds S] [--images N] [--no-anchor]`: augmented images/s on one core
 * (sharp with one thread, this thread augmenting) for `barlow` (2 × 224) and `multicrop`
 * (2 × 224 + 6 × 96) from JPEG files through ImageFolder, then the seed's pipelines with
 * torchvision's transforms on PIL (one thread) on the same files, and the ratio.
 */
export const loaderBench: Bench = {
  flags: ['seconds', 'images', 'no-anchor'],
  run,
};
