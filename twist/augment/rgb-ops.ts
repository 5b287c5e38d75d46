import { nativeAugment } from './native-augment.js';

/**
 * Colour operations on RGB images stored as interleaved floats in [0, 1] (`n` pixels from
 * `offset`), in place, as torchvision's tensor functional ops compute them.
 */

/** ITU-R 601 luma, as PIL's and torchvision's grayscale. */
export const LUMA = [0.299, 0.587, 0.114] as const;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Brightness: blend with black, x·f. */
export function rgbBrightness(img: Float32Array, offset: number, n: number, f: number): void {
  const native = nativeAugment();
  if (native) {
    native.rgbBrightness(img, offset, n, f);
    return;
  }
  for (let i = offset, end = offset + 3 * n; i < end; i++) img[i] = clamp01(img[i]! * f);
}

/** Contrast: blend with the mean luma of the image, f·x + (1 − f)·mean. */
export function rgbContrast(img: Float32Array, offset: number, n: number, f: number): void {
  const native = nativeAugment();
  if (native) {
    native.rgbContrast(img, offset, n, f);
    return;
  }
  let mean = 0;
  for (let p = 0; p < n; p++) {
    const i = offset + 3 * p;
    mean += LUMA[0] * img[i]! + LUMA[1] * img[i + 1]! + LUMA[2] * img[i + 2]!;
  }
  mean /= n;
  const add = (1 - f) * mean;
  for (let i = offset, end = offset + 3 * n; i < end; i++) img[i] = clamp01(f * img[i]! + add);
}

/** Saturation: blend with the pixel's luma, f·x + (1 − f)·gray. */
export function rgbSaturation(img: Float32Array, offset: number, n: number, f: number): void {
  const native = nativeAugment();
  if (native) {
    native.rgbSaturation(img, offset, n, f);
    return;
  }
  for (let p = 0; p < n; p++) {
    const i = offset + 3 * p;
    const g = (1 - f) * (LUMA[0] * img[i]! + LUMA[1] * img[i + 1]! + LUMA[2] * img[i + 2]!);
    img[i] = clamp01(f * img[i]! + g);
    img[i + 1] = clamp01(f * img[i + 1]! + g);
    img[i + 2] = clamp01(f * img[i + 2]! + g);
  }
}

/** Hue: rotate the HSV hue by `shift` turns (in [−0.5, 0.5]); saturation and value kept. */
export function rgbHue(img: Float32Array, offset: number, n: number, shift: number): void {
  const native = nativeAugment();
  if (native) {
    native.rgbHue(img, offset, n, shift);
    return;
  }
  for (let p = 0; p < n; p++) {
    const i = offset + 3 * p;
    const r = img[i]!;
    const g = img[i + 1]!;
    const b = img[i + 2]!;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    if (d === 0) continue; // gray: no hue to rotate
    let h = max === r ? (g - b) / d : max === g ? 2 + (b - r) / d : 4 + (r - g) / d;
    h = h / 6 + shift;
    h -= Math.floor(h);
    const s = d / max;
    const v = max;
    const h6 = h * 6;
    const k = Math.floor(h6);
    const f = h6 - k;
    const pv = v * (1 - s);
    const q = v * (1 - s * f);
    const t = v * (1 - s * (1 - f));
    // (k mod 6) picks which of v, p, q, t go to r, g, b; written directly, nothing allocated.
    switch (k % 6) {
      case 0:
        img[i] = v;
        img[i + 1] = t;
        img[i + 2] = pv;
        break;
      case 1:
        img[i] = q;
        img[i + 1] = v;
        img[i + 2] = pv;
        break;
      case 2:
        img[i] = pv;
        img[i + 1] = v;
        img[i + 2] = t;
        break;
      case 3:
        img[i] = pv;
        img[i + 1] = q;
        img[i + 2] = v;
        break;
      case 4:
        img[i] = t;
        img[i + 1] = pv;
        img[i + 2] = v;
        break;
      default:
        img[i] = v;
        img[i + 1] = pv;
        img[i + 2] = q;
    }
  }
}

/** Grayscale: luma replicated to the three channels. */
export function rgbGrayscale(img: Float32Array, offset: number, n: number): void {
  for (let p = 0; p < n; p++) {
    const i = offset + 3 * p;
    const g = LUMA[0] * img[i]! + LUMA[1] * img[i + 1]! + LUMA[2] * img[i + 2]!;
    img[i] = g;
    img[i + 1] = g;
    img[i + 2] = g;
  }
}

/** Per-channel (x − mean) / std. */
export function rgbNormalize(
  img: Float32Array,
  offset: number,
  n: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): void {
  const native = nativeAugment();
  if (native) {
    native.rgbNormalize(img, offset, n, mean[0], mean[1], mean[2], std[0], std[1], std[2]);
    return;
  }
  for (let p = 0; p < n; p++) {
    const i = offset + 3 * p;
    for (let c = 0; c < 3; c++) img[i + c] = (img[i + c]! - mean[c]!) / std[c]!;
  }
}

/** ImageNet's normalisation (spec 3.1). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;
