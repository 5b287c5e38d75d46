import test from 'ava';
import { Random } from '../../core/index.js';
import {
  gaussianBlur,
  IMAGENET_MEAN,
  IMAGENET_STD,
  nativeAugmentStatus,
  randomResizedCropBox,
  resizeCrop,
  rgbBrightness,
  rgbContrast,
  rgbHue,
  rgbNormalize,
  rgbSaturation,
  useNativeAugment,
} from '../../twist/index.js';
import { bothForms, firstDifference } from '../helpers/compare.js';

// `.ci/run` installs g++, so the addon is built wherever the tests run; a machine without a
// compiler gets the TypeScript loops and this test says why the compiled ones are missing.
test('the compiled augmentation loops are built and equal the TypeScript ones bit for bit: resized crop, blur, hue, brightness, contrast, saturation, normalisation', (t) => {
  const status = nativeAugmentStatus();
  t.true(status.available, `native augmentations unavailable: ${status.reason}`);
  const rng = new Random(21);
  for (let trial = 0; trial < 12; trial++) {
    const channels = trial % 3 === 0 ? 1 : 3;
    const [h, w] = [40 + Math.floor(rng.next() * 200), 40 + Math.floor(rng.next() * 200)];
    const src = Uint8Array.from({ length: h * w * channels + 7 }, () => Math.floor(rng.next() * 256));
    const box = randomResizedCropBox(rng, h, w, [0.05, 1]);
    const size = [13, 32, 96][trial % 3]!;
    const flip = trial % 2 === 0;
    const [a, b] = bothForms(useNativeAugment, () => {
      const out = new Float32Array(size * size * channels + 5);
      resizeCrop(src, 7, h, w, channels, box, out, 5, size, size, flip);
      return out;
    });
    t.is(firstDifference(a, b), 'none', `resize ${h}×${w}×${channels} → ${size}`);
    const sigma = 0.1 + rng.next() * 3;
    const [c, d] = bothForms(useNativeAugment, () => {
      const img = Float32Array.from(a);
      gaussianBlur(img, 5, size, size, sigma, new Float32Array(img.length), channels);
      return img;
    });
    t.is(firstDifference(c, d), 'none', `blur σ ${sigma}`);
    if (channels === 3) {
      const shift = rng.uniform(-0.5, 0.5);
      const [e, f] = bothForms(useNativeAugment, () => {
        const img = Float32Array.from(c);
        rgbHue(img, 5, size * size, shift);
        return img;
      });
      t.is(firstDifference(e, f), 'none', `hue ${shift}`);
      const fac = rng.uniform(0.6, 1.4);
      for (const [name, op] of [
        ['brightness', rgbBrightness],
        ['contrast', rgbContrast],
        ['saturation', rgbSaturation],
        [
          'normalize',
          (img: Float32Array, o: number, n: number) => rgbNormalize(img, o, n, IMAGENET_MEAN, IMAGENET_STD),
        ],
      ] as const) {
        const [g, k] = bothForms(useNativeAugment, () => {
          const img = Float32Array.from(e);
          op(img, 5, size * size, fac);
          return img;
        });
        t.is(firstDifference(g, k), 'none', `${name} ${fac}`);
      }
    }
  }
});
