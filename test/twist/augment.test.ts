import test from 'ava';
import { Random } from '../../core/index.js';
import {
  COEFFICIENT_CACHE_SIZE,
  GrayViewAugmenter,
  coefficientCacheEntries,
  barlowGrayViews,
  gaussianBlur,
  randomResizedCropBox,
  resizeCrop,
  solarize,
} from '../../twist/index.js';

test('random resized crop boxes fit the image and respect the scale and ratio ranges', (t) => {
  const rng = new Random(5);
  for (let i = 0; i < 2000; i++) {
    const b = randomResizedCropBox(rng, 28, 28, [0.2, 1]);
    t.true(b.top >= 0 && b.left >= 0 && b.top + b.height <= 28 && b.left + b.width <= 28);
    const area = (b.height * b.width) / (28 * 28);
    // Rounding the sides to whole pixels moves the area and ratio a little past the sampled range.
    t.true(area > 0.15 && area <= 1.0, `area ${area}`);
    t.true(b.width / b.height > 0.6 && b.width / b.height < 1.6);
  }
});

test('the crop falls back to a centre crop clamped to the ratio range when no attempt fits', (t) => {
  // A 10×100 image with scale (0.99, 1) and ratio (3/4, 4/3): nothing fits, the fallback is 10×13.
  const b = randomResizedCropBox(new Random(1), 10, 100, [0.99, 1]);
  t.deepEqual(b, { top: 0, left: Math.floor((100 - 13) / 2), height: 10, width: 13 });
});

test('bicubic resize of the whole image at the same size is the identity; flip mirrors', (t) => {
  const src = Uint8Array.from({ length: 25 }, (_, i) => (i * 37) % 256);
  const out = new Float32Array(25);
  resizeCrop(src, 0, 5, 5, 1, { top: 0, left: 0, height: 5, width: 5 }, out, 0, 5, 5, false);
  out.forEach((v, i) => t.true(Math.abs(v - src[i]! / 255) < 1e-6));
  resizeCrop(src, 0, 5, 5, 1, { top: 0, left: 0, height: 5, width: 5 }, out, 0, 5, 5, true);
  t.true(Math.abs(out[0]! - src[4]! / 255) < 1e-6);
});

test('cached resampling coefficients give what freshly computed ones give, per side, output size and filter; the cache stays bounded', (t) => {
  const side = 300;
  const rng = new Random(3);
  const src = Uint8Array.from({ length: side * side }, () => rng.int(256));
  const resize = (
    h: number,
    w: number,
    outH: number,
    outW: number,
    filter: 'bicubic' | 'bilinear',
  ): Float32Array => {
    const out = new Float32Array(outH * outW);
    resizeCrop(
      src,
      0,
      side,
      side,
      1,
      { top: 5, left: 7, height: h, width: w },
      out,
      0,
      outH,
      outW,
      false,
      filter,
    );
    return out;
  };
  // More distinct tables than the cache holds (1×1 outputs, used by nothing below): all evicted.
  const evict = (): void => {
    for (let s = 1; s <= COEFFICIENT_CACHE_SIZE + 1; s++) resize(1, s, 1, 1, 'bilinear');
  };
  const cases: [number, number, number, number, 'bicubic' | 'bilinear'][] = [];
  for (const [h, w] of [
    [3, 17],
    [28, 28],
    [200, 17],
    [17, 200],
  ] as const)
    for (const [outH, outW] of [
      [9, 7],
      [7, 9],
      [28, 28],
    ] as const)
      for (const filter of ['bicubic', 'bilinear'] as const) cases.push([h, w, outH, outW, filter]);
  const cold = cases.map((c) => {
    evict();
    return resize(...c);
  });
  // Warm: every case after the others, twice, so that each reads tables other cases put there.
  for (let pass = 0; pass < 2; pass++)
    cases.forEach((c, i) => t.deepEqual(resize(...c), cold[i], `case ${c.join(' ')} pass ${pass}`));
  t.true(coefficientCacheEntries() <= COEFFICIENT_CACHE_SIZE);
});

test('Gaussian blur keeps a constant image constant and spreads an impulse symmetrically', (t) => {
  const img = new Float32Array(49).fill(0.5);
  const tmp = new Float32Array(49);
  gaussianBlur(img, 0, 7, 7, 1, tmp);
  t.true(img.every((v) => Math.abs(v - 0.5) < 1e-6));
  const imp = new Float32Array(49);
  imp[24] = 1;
  gaussianBlur(imp, 0, 7, 7, 1, tmp);
  t.true(Math.abs(imp[23]! - imp[25]!) < 1e-7 && Math.abs(imp[17]! - imp[31]!) < 1e-7);
  t.true(Math.abs(imp.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'mass preserved away from the border');
});

test('solarize inverts values at or above 128/255', (t) => {
  const v = new Float32Array([0.2, 128 / 255, 0.9]);
  solarize(v, 0, 3);
  t.deepEqual(
    Array.from(v).map((x) => +x.toFixed(5)),
    [0.2, +(1 - 128 / 255).toFixed(5), 0.1],
  );
});

test('barlow grayscale views: deterministic per seed, normalised output, blur on view 1 only', (t) => {
  const [c1, c2] = barlowGrayViews(28);
  t.is(c1.blurP, 1);
  t.is(c2.blurP, 0.1);
  t.is(c2.solarizeP, 0.2);
  const images = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 7) % 256);
  const a = new GrayViewAugmenter(c1).apply(new Random(9), images, 28, 28, [2, 0]);
  const b = new GrayViewAugmenter(c1).apply(new Random(9), images, 28, 28, [2, 0]);
  t.deepEqual(a, b);
  t.is(a.length, 2 * 28 * 28);
  const lo = (0 - c1.mean) / c1.std;
  const hi = (1 - c1.mean) / c1.std;
  t.true(a.every((v) => v >= lo - 1e-5 && v <= hi + 1e-5));
  t.throws(() => new GrayViewAugmenter({ ...c1, scale: [0, 1] }), { message: /crop scale/ });
});
