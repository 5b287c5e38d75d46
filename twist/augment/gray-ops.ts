import { nativeAugment } from './native-augment.js';

/**
 * Photometric operations on one single-channel float image in [0, 1] stored in `img` at `offset`
 * with `n` pixels, in place, without allocation (torchvision's semantics for grayscale tensors).
 */

/** Brightness: x·f, clamped to [0, 1]. */
export function adjustBrightness(img: Float32Array, offset: number, n: number, f: number): void {
  for (let i = offset, end = offset + n; i < end; i++) {
    const v = img[i]! * f;
    img[i] = v > 1 ? 1 : v;
  }
}

/** Contrast: blend with the image mean, f·x + (1 − f)·mean, clamped to [0, 1]. */
export function adjustContrast(img: Float32Array, offset: number, n: number, f: number): void {
  let mean = 0;
  for (let i = offset, end = offset + n; i < end; i++) mean += img[i]!;
  mean /= n;
  const b = (1 - f) * mean;
  for (let i = offset, end = offset + n; i < end; i++) {
    const v = f * img[i]! + b;
    img[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/** Solarize: values ≥ threshold become 1 − v (PIL's threshold 128 is 128/255). */
export function solarize(img: Float32Array, offset: number, n: number, threshold = 128 / 255): void {
  for (let i = offset, end = offset + n; i < end; i++) if (img[i]! >= threshold) img[i] = 1 - img[i]!;
}

/** Normalise: (x − mean)/std. */
export function normalize(img: Float32Array, offset: number, n: number, mean: number, std: number): void {
  const inv = 1 / std;
  for (let i = offset, end = offset + n; i < end; i++) img[i] = (img[i]! - mean) * inv;
}

/**
 * The box radius PIL's GaussianBlur uses for a Gaussian of standard deviation `sigma` made of
 * `passes` box blurs (Gwosdek et al., "Theoretical foundations of Gaussian convolution by extended
 * box filtering"): an integer part and a fractional part that weights the two far pixels.
 */
export function extendedBoxRadius(sigma: number, passes = 3): number {
  const s2 = (sigma * sigma) / passes;
  const l = Math.floor((Math.sqrt(12 * s2 + 1) - 1) / 2);
  const a = ((2 * l + 1) * (l * (l + 1) - 3 * s2)) / (6 * (s2 - (l + 1) * (l + 1)));
  return l + a;
}

/**
 * PIL's GaussianBlur (the seed's blur, `radius` = σ in pixels): three passes of an extended box
 * filter of radius {@link extendedBoxRadius} horizontally, then three vertically, borders
 * replicated; on floats (PIL rounds each pass to 8 bits). O(1) per pixel whatever σ. `h`×`w` image
 * with `channels` interleaved channels (default 1); `tmp` must hold `h·w·channels` floats.
 */
export function gaussianBlur(
  img: Float32Array,
  offset: number,
  h: number,
  w: number,
  sigma: number,
  tmp: Float32Array,
  channels = 1,
  passes = 3,
): void {
  const r = extendedBoxRadius(sigma, passes);
  const l = Math.floor(r);
  const ww = 1 / (2 * r + 1);
  const fw = (1 - (2 * l + 1) * ww) / 2;
  const native = nativeAugment();
  if (native) {
    native.gaussianBlur(img, offset, h, w, channels, l, ww, fw, passes);
    return;
  }
  const cs = channels;
  const rowLen = w * cs;
  const n = h * rowLen;
  // Horizontal passes: each row's channel in a line padded with its replicated border (l + 1 each
  // side), the passes back and forth between two lines, a running sum over the 2l+1 box.
  const pad = l + 1;
  let a = new Float32Array(w + 2 * pad);
  let b = new Float32Array(w + 2 * pad);
  for (let y = 0; y < h; y++) {
    const row = offset + y * rowLen;
    for (let c = 0; c < cs; c++) {
      for (let x = 0; x < w; x++) a[pad + x] = img[row + x * cs + c]!;
      for (let p = 0; p < passes; p++) {
        const first = a[pad]!;
        const last = a[pad + w - 1]!;
        for (let k = 0; k < pad; k++) {
          a[k] = first;
          a[pad + w + k] = last;
        }
        let sum = 0;
        for (let k = -l; k <= l; k++) sum += a[pad + k]!;
        for (let x = pad; x < pad + w; x++) {
          b[x] = ww * sum + fw * (a[x - l - 1]! + a[x + l + 1]!);
          sum += a[x + l + 1]! - a[x - l]!;
        }
        const t = a;
        a = b;
        b = t;
      }
      for (let x = 0; x < w; x++) img[row + x * cs + c] = a[pad + x]!;
    }
  }
  // Vertical passes: whole rows at a time, a running sum of rows.
  const acc = new Float32Array(rowLen);
  for (let p = 0; p < passes; p++) {
    tmp.set(img.subarray(offset, offset + n));
    const rowAt = (y: number): number => (y < 0 ? 0 : y >= h ? h - 1 : y) * rowLen;
    acc.fill(0);
    for (let k = -l; k <= l; k++) {
      const m = rowAt(k);
      for (let i = 0; i < rowLen; i++) acc[i] = acc[i]! + tmp[m + i]!;
    }
    for (let y = 0; y < h; y++) {
      const o = offset + y * rowLen;
      const far0 = rowAt(y - l - 1);
      const far1 = rowAt(y + l + 1);
      const drop = rowAt(y - l);
      for (let i = 0; i < rowLen; i++) {
        img[o + i] = ww * acc[i]! + fw * (tmp[far0 + i]! + tmp[far1 + i]!);
        acc[i] = acc[i]! + tmp[far1 + i]! - tmp[drop + i]!;
      }
    }
  }
}
