import type { Random } from '../../core/index.js';
import { gaussianBlur, solarize } from './gray-ops.js';
import { randomResizedCropBox, resizeCrop, type CropBox } from './random-resized-crop.js';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  rgbBrightness,
  rgbContrast,
  rgbGrayscale,
  rgbHue,
  rgbNormalize,
  rgbSaturation,
} from './rgb-ops.js';

/** One view's augmentation (spec 3.1-3.3): crop → flip → jitter → gray → blur [→ solarize] → normalise. */
export interface RgbViewConfig {
  size: number;
  /** Random resized crop area range. */
  scale: readonly [number, number];
  flipP: number;
  jitterP: number;
  /** ColorJitter strengths: brightness/contrast/saturation factors ~ U[1 − x, 1 + x], hue ~ U[−h, h]. */
  jitter: { brightness: number; contrast: number; saturation: number; hue: number };
  grayP: number;
  blurP: number;
  /** Blur σ range in pixels of the output view. */
  blurSigma: readonly [number, number];
  solarizeP: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

const BASE: Omit<RgbViewConfig, 'size' | 'scale' | 'blurP' | 'solarizeP'> = {
  flipP: 0.5,
  jitterP: 0.8,
  jitter: { brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1 },
  grayP: 0.2,
  blurSigma: [0.1, 2.0],
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
};

/** `--aug barlow` (spec 3.2): two views, scale (0.08, 1); blur 1.0 / 0.1, solarize 0 / 0.2. */
export function barlowViews(size = 224, scale: readonly [number, number] = [0.08, 1]): RgbViewConfig[] {
  return [
    { ...BASE, size, scale, blurP: 1, solarizeP: 0 },
    { ...BASE, size, scale, blurP: 0.1, solarizeP: 0.2 },
  ];
}

export interface MultiCropOptions {
  globalSize?: number;
  localSize?: number;
  /** Local crops (12 for the ResNet recipes, 6 for ViT-S, 10 for ViT-B). */
  locals?: number;
  globalScale?: readonly [number, number];
  localScale?: readonly [number, number];
}

/**
 * `--aug multicrop` (spec 3.3): 2 global views (scale (0.4, 1); blur 1.0 / 0.1, solarize 0 / 0.2)
 * and `locals` local views (scale (0.05, 0.4), blur 0.5) at their own size.
 */
export function multiCropViews(o: MultiCropOptions = {}): RgbViewConfig[] {
  const g = o.globalSize ?? 224;
  const l = o.localSize ?? 96;
  const gs = o.globalScale ?? [0.4, 1];
  const ls = o.localScale ?? [0.05, 0.4];
  return [
    { ...BASE, size: g, scale: gs, blurP: 1, solarizeP: 0 },
    { ...BASE, size: g, scale: gs, blurP: 0.1, solarizeP: 0.2 },
    ...Array.from({ length: o.locals ?? 12 }, () => ({
      ...BASE,
      size: l,
      scale: ls,
      blurP: 0.5,
      solarizeP: 0,
    })),
  ];
}

/** The self-labeling phase's multi-crop (spec 3.3): global scale (0.14, 1), local (0.05, 0.14). */
export function selfLabelMultiCropViews(
  o: Omit<MultiCropOptions, 'globalScale' | 'localScale'> = {},
): RgbViewConfig[] {
  return multiCropViews({ ...o, globalScale: [0.14, 1], localScale: [0.05, 0.14] });
}

/** What one application drew (for tests and statistics). */
export interface RgbViewDraw {
  box: CropBox;
  flip: boolean;
  /** Jitter factors and the order the four operations ran in (0 b, 1 c, 2 s, 3 h), when applied. */
  jitter?: { brightness: number; contrast: number; saturation: number; hue: number; order: number[] };
  gray: boolean;
  blurSigma?: number;
  solarize: boolean;
}

/**
 * Applies one {@link RgbViewConfig} to 8-bit RGB images, writing normalised floats (HWC) into a
 * caller's buffer. Scratch buffers are the augmenter's: nothing is allocated per image.
 */
export class RgbViewAugmenter {
  private readonly tmp: Float32Array;
  private readonly order = [0, 1, 2, 3];

  constructor(readonly config: RgbViewConfig) {
    this.tmp = new Float32Array(config.size * config.size * 3);
  }

  /** Floats per output view. */
  get outputSize(): number {
    return this.config.size * this.config.size * 3;
  }

  /**
   * Augments `src` (`h`×`w`×3 bytes) into `out` at `outOffset`.
   * @returns what was drawn.
   */
  apply(rng: Random, src: Uint8Array, h: number, w: number, out: Float32Array, outOffset = 0): RgbViewDraw {
    const c = this.config;
    const n = c.size * c.size;
    const box = randomResizedCropBox(rng, h, w, c.scale);
    const flip = rng.next() < c.flipP;
    resizeCrop(src, 0, h, w, 3, box, out, outOffset, c.size, c.size, flip);
    const draw: RgbViewDraw = { box, flip, gray: false, solarize: false };
    if (rng.next() < c.jitterP) {
      const j = c.jitter;
      const f = {
        brightness: rng.uniform(Math.max(0, 1 - j.brightness), 1 + j.brightness),
        contrast: rng.uniform(Math.max(0, 1 - j.contrast), 1 + j.contrast),
        saturation: rng.uniform(Math.max(0, 1 - j.saturation), 1 + j.saturation),
        hue: rng.uniform(-j.hue, j.hue),
      };
      rng.shuffle(this.order);
      for (const op of this.order) {
        if (op === 0) rgbBrightness(out, outOffset, n, f.brightness);
        else if (op === 1) rgbContrast(out, outOffset, n, f.contrast);
        else if (op === 2) rgbSaturation(out, outOffset, n, f.saturation);
        else rgbHue(out, outOffset, n, f.hue);
      }
      draw.jitter = { ...f, order: [...this.order] };
    }
    if (rng.next() < c.grayP) {
      rgbGrayscale(out, outOffset, n);
      draw.gray = true;
    }
    if (rng.next() < c.blurP) {
      draw.blurSigma = rng.uniform(c.blurSigma[0], c.blurSigma[1]);
      gaussianBlur(out, outOffset, c.size, c.size, draw.blurSigma, this.tmp, 3);
    }
    if (rng.next() < c.solarizeP) {
      solarize(out, outOffset, 3 * n);
      draw.solarize = true;
    }
    rgbNormalize(out, outOffset, n, c.mean, c.std);
    return draw;
  }
}
