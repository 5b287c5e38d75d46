import { Random } from './dist/core/index.js';
import { randomResizedCropBox, resizeCrop, rgbBrightness, rgbContrast, rgbSaturation, rgbHue, rgbGrayscale, gaussianBlur, rgbNormalize, IMAGENET_MEAN, IMAGENET_STD, solarize } from './dist/twist/augment/index.js';
const h = 375, w = 500, S = 224, n = S * S;
const src = new Uint8Array(h * w * 3).map((_, i) => (i * 31) & 255);
const out = new Float32Array(n * 3), tmp = new Float32Array(n * 3);
const rng = new Random(1);
const T = {};
const time = (k, f) => { const t = performance.now(); f(); T[k] = (T[k] ?? 0) + performance.now() - t; };
for (let it = 0; it < 200; it++) {
  const box = randomResizedCropBox(rng, h, w, [0.08, 1]);
  time('resize', () => resizeCrop(src, 0, h, w, 3, box, out, 0, S, S, it % 2 === 0));
  time('bright', () => rgbBrightness(out, 0, n, 1.2));
  time('contrast', () => rgbContrast(out, 0, n, 0.8));
  time('sat', () => rgbSaturation(out, 0, n, 1.1));
  time('hue', () => rgbHue(out, 0, n, 0.05));
  time('gray', () => rgbGrayscale(out, 0, n));
  time('blur', () => gaussianBlur(out, 0, S, S, 1.0, tmp, 3));
  time('solarize', () => solarize(out, 0, 3 * n));
  time('norm', () => rgbNormalize(out, 0, n, IMAGENET_MEAN, IMAGENET_STD));
}
for (const k in T) console.log(k, (T[k] / 200).toFixed(2), 'ms');
