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
 * Separable Gaussian blur with standard deviation `sigma` pixels (the radius of PIL's GaussianBlur),
 * kernel radius ⌈3σ⌉, borders replicated, of an `h`×`w` image with `channels` interleaved channels
 * (default 1). `tmp` must hold `h·w·channels` floats; `kernel` at least 2⌈3σ⌉+1.
 */
export function gaussianBlur(
  img: Float32Array,
  offset: number,
  h: number,
  w: number,
  sigma: number,
  tmp: Float32Array,
  kernel: Float32Array,
  channels = 1,
): void {
  const r = Math.max(1, Math.ceil(3 * sigma));
  let sum = 0;
  for (let k = -r; k <= r; k++) {
    const v = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel[k + r] = v;
    sum += v;
  }
  for (let k = 0; k <= 2 * r; k++) kernel[k]! /= sum;
  const cs = channels;
  const rowLen = w * cs;
  // Horizontal pass into tmp: taps clamped at the borders.
  for (let y = 0; y < h; y++) {
    const row = offset + y * rowLen;
    const t = y * rowLen;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < cs; c++) {
        let v = 0;
        if (x >= r && x + r < w) {
          let i = row + (x - r) * cs + c;
          for (let k = 0; k <= 2 * r; k++, i += cs) v += kernel[k]! * img[i]!;
        } else
          for (let k = -r; k <= r; k++) {
            const xx = x + k < 0 ? 0 : x + k >= w ? w - 1 : x + k;
            v += kernel[k + r]! * img[row + xx * cs + c]!;
          }
        tmp[t + x * cs + c] = v;
      }
    }
  }
  // Vertical pass back into img: whole rows at a time.
  for (let y = 0; y < h; y++) {
    const o = offset + y * rowLen;
    img.fill(0, o, o + rowLen);
    for (let k = -r; k <= r; k++) {
      const yy = y + k < 0 ? 0 : y + k >= h ? h - 1 : y + k;
      const wk = kernel[k + r]!;
      const m = yy * rowLen;
      for (let i = 0; i < rowLen; i++) img[o + i] = img[o + i]! + wk * tmp[m + i]!;
    }
  }
}
