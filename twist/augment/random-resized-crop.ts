import type { Random } from '../../core/index.js';
import { nativeAugment } from './native-augment.js';

/** A crop box in source pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`: up to 10 attempts with area ~ U(scale)·H·W and a
 * log-uniform aspect ratio, accepted when the box fits; else a centre crop clamped to the ratio range.
 */
export function randomResizedCropBox(
  rng: Random,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number] = [3 / 4, 4 / 3],
): CropBox {
  const area = height * width;
  const logR0 = Math.log(ratio[0]);
  const logR1 = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logR0, logR1));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Keys's cubic convolution weight with a = −0.5 (PIL's bicubic), support 2. */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** The triangle weight (PIL's bilinear), support 1. */
function triangle(x: number): number {
  const t = Math.abs(x);
  return t < 1 ? 1 - t : 0;
}

/** PIL's resampling filters this module implements: BICUBIC (the views) and BILINEAR (torchvision's `Resize`). */
export type ResampleFilter = 'bicubic' | 'bilinear';

const FILTERS: Record<ResampleFilter, { weight: (x: number) => number; support: number }> = {
  bicubic: { weight: cubic, support: 2 },
  bilinear: { weight: triangle, support: 1 },
};

/** Per output pixel: the first input index, the tap count and the normalised weights (PIL's precompute_coeffs). */
interface Coeffs {
  start: Int32Array;
  taps: Int32Array;
  weights: Float32Array;
  /** Taps per output slot in `weights`. */
  stride: number;
}

/**
 * PIL's resampling coefficients for `outSize` pixels over a whole axis of `inLen` pixels (a crop's:
 * PIL resizes the cropped image, so its borders clamp to the crop): `filter`, widened by the scale
 * when downsampling (antialiasing).
 */
function coefficients(inLen: number, outSize: number, filter: ResampleFilter): Coeffs {
  const { weight, support: filterSupport } = FILTERS[filter];
  const scale = inLen / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterSupport * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const taps = new Int32Array(outSize);
  const weights = new Float32Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inLen);
    let sum = 0;
    const n = hi - lo;
    for (let k = 0; k < n; k++) {
      const w = weight((k + lo - center + 0.5) / filterScale);
      weights[o * stride + k] = w;
      sum += w;
    }
    if (sum !== 0) for (let k = 0; k < n; k++) weights[o * stride + k]! /= sum;
    start[o] = lo;
    taps[o] = n;
  }
  return { start, taps, weights, stride };
}

/** Most coefficient tables kept (one per axis length, output size and filter); the least recently used goes. */
export const COEFFICIENT_CACHE_SIZE = 256;
const coefficientCache = new Map<string, Coeffs>();

/**
 * {@link coefficients} of a whole axis of `inLen` pixels (a crop's), from a cache: a crop's tables
 * depend on its side, the output side and the filter only, and the views of a 28-px dataset draw
 * at most 28 sides per output size. Computing them per crop took an eighth of a batch's
 * augmentation (128 Fashion-MNIST images, two views: median 3.9 ms a batch with the cache, 4.4
 * without; mean 4.0 against 4.8–5.5, the garbage included). The tables are read, never written,
 * by both resampling forms.
 */
function axisCoefficients(inLen: number, outSize: number, filter: ResampleFilter): Coeffs {
  const key = `${filter}:${inLen}:${outSize}`;
  let c = coefficientCache.get(key);
  if (c) {
    // Least recently used first: a hit moves to the back.
    coefficientCache.delete(key);
  } else {
    c = coefficients(inLen, outSize, filter);
    if (coefficientCache.size >= COEFFICIENT_CACHE_SIZE)
      coefficientCache.delete(coefficientCache.keys().next().value!);
  }
  coefficientCache.set(key, c);
  return c;
}

/** How many coefficient tables the cache holds (tests). */
export function coefficientCacheEntries(): number {
  return coefficientCache.size;
}

/** Scratch of the two passes, grown as needed (single-threaded: never shared between calls). */
let passBuffer = new Float32Array(0);
let rowBuffer = new Float32Array(0);

/**
 * Resamples the crop `box` of a byte image with `channels` interleaved channels (`src`, row-major
 * `srcH`×`srcW`×`channels` from `srcOffset`) to `outH`×`outW`×`channels` floats in [0, 1] exactly as
 * torchvision's `resized_crop` on a PIL image does (`crop(box).resize(size, BICUBIC)`): PIL's
 * two-pass resampling (`filter`, default bicubic) with its antialiasing support when downsampling
 * and each pass rounded to 8 bits (half up); mirrored horizontally when `flip`. Writes into `out` at
 * `outOffset`; allocates nothing once the crop's coefficient tables are cached.
 */
export function resizeCrop(
  src: Uint8Array,
  srcOffset: number,
  srcH: number,
  srcW: number,
  channels: number,
  box: CropBox,
  out: Float32Array,
  outOffset: number,
  outH: number,
  outW: number,
  flip: boolean,
  filter: ResampleFilter = 'bicubic',
): void {
  const cx = axisCoefficients(box.width, outW, filter);
  const cy = axisCoefficients(box.height, outH, filter);
  const rows = box.height;
  const native = nativeAugment();
  if (native) {
    native.resizePasses(
      src,
      srcOffset,
      srcW,
      channels,
      box.top,
      box.left,
      rows,
      cx.start,
      cx.taps,
      cx.weights,
      cx.stride,
      cy.start,
      cy.taps,
      cy.weights,
      cy.stride,
      out,
      outOffset,
      outH,
      outW,
      flip,
    );
    return;
  }
  const rowLen = outW * channels;
  if (passBuffer.length < rows * rowLen) passBuffer = new Float32Array(rows * rowLen);
  if (rowBuffer.length < rowLen) rowBuffer = new Float32Array(rowLen);
  const mid = passBuffer;
  const acc = rowBuffer;
  const { weights: wx, start: sx, taps: tx, stride: strideX } = cx;
  // Horizontal pass over the crop's rows, rounded to 8 bits as PIL stores it.
  for (let y = 0; y < rows; y++) {
    const row = srcOffset + ((box.top + y) * srcW + box.left) * channels;
    const m = y * rowLen;
    for (let ox = 0; ox < outW; ox++) {
      const w0 = ox * strideX;
      const n = tx[ox]!;
      const o = m + (flip ? outW - 1 - ox : ox) * channels;
      if (channels === 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        let i = row + sx[ox]! * 3;
        for (let k = 0; k < n; k++, i += 3) {
          const w = wx[w0 + k]!;
          r += w * src[i]!;
          g += w * src[i + 1]!;
          b += w * src[i + 2]!;
        }
        mid[o] = r <= 0 ? 0 : r >= 255 ? 255 : Math.floor(r + 0.5);
        mid[o + 1] = g <= 0 ? 0 : g >= 255 ? 255 : Math.floor(g + 0.5);
        mid[o + 2] = b <= 0 ? 0 : b >= 255 ? 255 : Math.floor(b + 0.5);
      } else {
        for (let c = 0; c < channels; c++) {
          let v = 0;
          let i = row + sx[ox]! * channels + c;
          for (let k = 0; k < n; k++, i += channels) v += wx[w0 + k]! * src[i]!;
          mid[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
        }
      }
    }
  }
  // Vertical pass: each output row is a weighted sum of whole intermediate rows.
  const { weights: wy, start: sy, taps: ty, stride: strideY } = cy;
  for (let oy = 0; oy < outH; oy++) {
    const n = ty[oy]!;
    const w0 = oy * strideY;
    acc.fill(0, 0, rowLen);
    for (let k = 0; k < n; k++) {
      const w = wy[w0 + k]!;
      const m = (sy[oy]! + k) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] = acc[i]! + w * mid[m + i]!;
    }
    const o = outOffset + oy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const v = acc[i]!;
      out[o + i] = (v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5)) / 255;
    }
  }
}
