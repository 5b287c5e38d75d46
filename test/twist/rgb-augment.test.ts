import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../../core/index.js';
import {
  barlowViews,
  gaussianBlur,
  multiCropViews,
  randomResizedCropBox,
  resizeCrop,
  rgbGrayscale,
  rgbHue,
  rgbSaturation,
  RgbViewAugmenter,
  selfLabelMultiCropViews,
  solarize,
} from '../../twist/index.js';

const PIL_SCRIPT = fileURLToPath(new URL('../../../test/fixtures/pil_resized_crop.py', import.meta.url));
const BLUR_SCRIPT = fileURLToPath(new URL('../../../test/fixtures/pil_blur.py', import.meta.url));
const SRC = 64;
const image = (seed: number): Uint8Array => {
  const rng = new Random(seed);
  return Uint8Array.from({ length: SRC * SRC * 3 }, () => rng.int(256));
};

test('random resized crops keep their area within the scale range (up to rounding), for every recipe scale', (t) => {
  const rng = new Random(1);
  for (const scale of [
    [0.08, 1],
    [0.4, 1],
    [0.05, 0.4],
    [0.14, 1],
    [0.05, 0.14],
  ] as [number, number][]) {
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < 3000; i++) {
      const b = randomResizedCropBox(rng, 224, 224, scale);
      const frac = (b.height * b.width) / (224 * 224);
      lo = Math.min(lo, frac);
      hi = Math.max(hi, frac);
      if (b.top < 0 || b.left < 0 || b.top + b.height > 224 || b.left + b.width > 224)
        return t.fail('box outside the image');
    }
    // Rounding the sides to pixels moves the area by at most ~(h + w)/HW.
    t.true(
      lo >= scale[0] - 0.01 && hi <= scale[1] + 0.01,
      `scale ${scale.join(',')}: areas in [${lo.toFixed(4)}, ${hi.toFixed(4)}]`,
    );
    t.true(hi - lo > 0.8 * (scale[1] - scale[0]), `scale ${scale.join(',')}: the range is used`);
  }
});

test('view draws: flip 0.5, jitter 0.8 with factors in range and random order, gray 0.2, blur and solarize per view', (t) => {
  const [v1, v2] = barlowViews(32).map((c) => new RgbViewAugmenter(c)) as [
    RgbViewAugmenter,
    RgbViewAugmenter,
  ];
  const rng = new Random(7);
  const src = image(3);
  const out = new Float32Array(v1.outputSize);
  const N = 3000;
  const count = { flip: 0, jitter: 0, gray: 0, blur1: 0, blur2: 0, sol1: 0, sol2: 0 };
  const orders = new Set<string>();
  for (let i = 0; i < N; i++) {
    const a = v1.apply(rng, src, SRC, SRC, out);
    const b = v2.apply(rng, src, SRC, SRC, out);
    count.flip += Number(a.flip);
    count.gray += Number(a.gray);
    count.blur1 += Number(a.blurSigma !== undefined);
    count.blur2 += Number(b.blurSigma !== undefined);
    count.sol1 += Number(a.solarize);
    count.sol2 += Number(b.solarize);
    if (a.jitter) {
      count.jitter++;
      const j = a.jitter;
      if (j.brightness < 0.6 || j.brightness > 1.4 || j.contrast < 0.6 || j.contrast > 1.4)
        return t.fail(JSON.stringify(j));
      if (j.saturation < 0.8 || j.saturation > 1.2 || Math.abs(j.hue) > 0.1) return t.fail(JSON.stringify(j));
      orders.add(j.order.join(''));
    }
    if (a.blurSigma !== undefined && (a.blurSigma < 0.1 || a.blurSigma > 2))
      return t.fail(`sigma ${a.blurSigma}`);
  }
  const near = (x: number, p: number): boolean =>
    Math.abs(x / N - p) < 4 * Math.sqrt((p * (1 - p)) / N) + 1e-9;
  t.true(near(count.flip, 0.5), `flip ${count.flip / N}`);
  t.true(near(count.jitter, 0.8), `jitter ${count.jitter / N}`);
  t.true(near(count.gray, 0.2), `gray ${count.gray / N}`);
  t.is(count.blur1, N, 'view 1 always blurred');
  t.true(near(count.blur2, 0.1), `view 2 blur ${count.blur2 / N}`);
  t.is(count.sol1, 0);
  t.true(near(count.sol2, 0.2), `view 2 solarize ${count.sol2 / N}`);
  t.is(orders.size, 24, 'all 24 orders of the four jitter operations occur');
});

test('solarize is exact: values ≥ 128/255 become 1 − v, the others stay', (t) => {
  const v = Float32Array.from({ length: 256 }, (_, i) => i / 255);
  const before = Float32Array.from(v);
  solarize(v, 0, 256);
  for (let i = 0; i < 256; i++) t.is(v[i], i >= 128 ? 1 - before[i]! : before[i]!, `pixel ${i}`);
});

test('colour ops: hue 0 and saturation 1 are identities, saturation 0 is the grayscale, hue 1/3 rotates red to green', (t) => {
  const rng = new Random(2);
  const img = Float32Array.from({ length: 300 }, () => rng.next());
  const a = Float32Array.from(img);
  rgbHue(a, 0, 100, 0);
  t.true(a.every((x, i) => Math.abs(x - img[i]!) < 1e-6));
  const b = Float32Array.from(img);
  rgbSaturation(b, 0, 100, 1);
  t.deepEqual(b, img);
  const c = Float32Array.from(img);
  const d = Float32Array.from(img);
  rgbSaturation(c, 0, 100, 0);
  rgbGrayscale(d, 0, 100);
  t.true(c.every((x, i) => Math.abs(x - d[i]!) < 1e-6));
  const red = Float32Array.of(0.8, 0.1, 0.1);
  rgbHue(red, 0, 1, 1 / 3);
  t.true(
    Math.abs(red[0]! - 0.1) < 1e-6 && Math.abs(red[1]! - 0.8) < 1e-6 && Math.abs(red[2]! - 0.1) < 1e-6,
    Array.from(red).join(),
  );
});

test('multi-crop: 2 global + N local views at their own size and scale; the self-labeling phase narrows the scales', (t) => {
  const views = multiCropViews({ locals: 6 });
  t.is(views.length, 8);
  t.deepEqual(
    views.map((v) => v.size),
    [224, 224, 96, 96, 96, 96, 96, 96],
  );
  t.deepEqual(views[0]!.scale, [0.4, 1]);
  t.deepEqual(views[2]!.scale, [0.05, 0.4]);
  t.deepEqual(
    views.map((v) => v.blurP),
    [1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  );
  const sl = selfLabelMultiCropViews({ locals: 6 });
  t.deepEqual(
    [sl[0]!.scale, sl[7]!.scale],
    [
      [0.14, 1],
      [0.05, 0.14],
    ],
  );
  const aug = new RgbViewAugmenter(views[2]!);
  const out = new Float32Array(aug.outputSize);
  aug.apply(new Random(1), image(1), SRC, SRC, out);
  t.true(out.every(Number.isFinite));
  t.true(out.some((x) => x < 0) && out.some((x) => x > 0), 'normalised around 0');
});

test("resizeCrop equals torchvision's resized_crop on PIL (bicubic with antialiasing) to one 8-bit step", (t) => {
  const ok = spawnSync('/usr/bin/python3', ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0;
  t.true(
    ok,
    'needs /usr/bin/python3 with PIL and numpy (Debian python3-pil, python3-numpy; .ci/run installs python3-torchvision)',
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-pil-'));
  const [h, w] = [75, 100];
  const rng = new Random(5);
  // Smooth content plus noise, like a photo.
  const src = Uint8Array.from({ length: h * w * 3 }, (_, i) => {
    const p = Math.floor(i / 3);
    return Math.max(
      0,
      Math.min(
        255,
        Math.round(
          128 + 90 * Math.sin((p % w) / 9 + (i % 3)) * Math.cos(Math.floor(p / w) / 7) + 15 * rng.normal(),
        ),
      ),
    );
  });
  writeFileSync(path.join(dir, 'in.bin'), src);
  const jobs = Array.from({ length: 12 }, (_, i) => {
    const box = randomResizedCropBox(rng, h, w, [0.08, 1]);
    const out = [224, 96, 32, 50][i % 4]!;
    return { ...box, out_h: out, out_w: out, flip: i % 3 === 0 };
  });
  writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify(jobs));
  execFileSync('/usr/bin/python3', [
    PIL_SCRIPT,
    path.join(dir, 'in.bin'),
    String(h),
    String(w),
    '3',
    path.join(dir, 'jobs.json'),
    path.join(dir, 'out.bin'),
  ]);
  const ref = readFileSync(path.join(dir, 'out.bin'));
  let at = 0;
  let worst = 0;
  for (const j of jobs) {
    const n = j.out_h * j.out_w * 3;
    const ours = new Float32Array(n);
    resizeCrop(src, 0, h, w, 3, j, ours, 0, j.out_h, j.out_w, j.flip);
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(Math.round(ours[i]! * 255) - ref[at + i]!));
    at += n;
  }
  t.true(worst <= 1, `largest difference from PIL: ${worst} / 255`);
});

test("gaussianBlur is PIL's GaussianBlur (extended box filter, 3 passes) up to PIL's 8-bit rounding of each pass", (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-blur-'));
  const [h, w] = [40, 56];
  const rng = new Random(8);
  const src = Uint8Array.from({ length: h * w * 3 }, () => rng.int(256));
  writeFileSync(path.join(dir, 'in.bin'), src);
  for (const sigma of [0.1, 0.5, 1.0, 1.7, 2.0]) {
    execFileSync('/usr/bin/python3', [
      BLUR_SCRIPT,
      path.join(dir, 'in.bin'),
      String(h),
      String(w),
      String(sigma),
      path.join(dir, 'out.bin'),
    ]);
    const ref = readFileSync(path.join(dir, 'out.bin'));
    const img = Float32Array.from(src, (v) => v / 255);
    gaussianBlur(img, 0, h, w, sigma, new Float32Array(img.length), 3);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < img.length; i++) {
      const d = Math.abs(img[i]! * 255 - ref[i]!);
      worst = Math.max(worst, d);
      sum += d;
    }
    t.log(
      `σ ${sigma}: max |ours − PIL| ${worst.toFixed(2)}, mean ${(sum / img.length).toFixed(3)} (8-bit levels)`,
    );
    // At σ = 0.1 each pass moves a pixel by less than half a level, which PIL's rounding undoes.
    t.true(
      worst <= 3 && sum / img.length <= (sigma < 0.3 ? 1.2 : 0.6),
      `σ ${sigma}: max ${worst}, mean ${sum / img.length}`,
    );
  }
});
