import { InvalidArgumentError, type Random } from '../../core/index.js';
import { adjustBrightness, adjustContrast, gaussianBlur, normalize, solarize } from './gray-ops.js';
import { randomResizedCropBox, resizeCrop } from './random-resized-crop.js';

/** One view's augmentation for single-channel images. */
export interface GrayViewConfig {
  /** Output side in pixels. */
  size: number;
  /** RandomResizedCrop scale range. */
  scale: [number, number];
  flipP: number;
  /** Probability of the colour jitter (brightness and contrast, in random order). */
  jitterP: number;
  brightness: number;
  contrast: number;
  blurP: number;
  /** Blur σ range in pixels at this output size. */
  blurSigma: [number, number];
  solarizeP: number;
  /** Normalisation of the dataset (after ToTensor, pixels in [0, 1]). */
  mean: number;
  std: number;
}

/** Fashion-MNIST pixel statistics (train split, /255), as the PyTorch anchor uses. */
export const FASHION_MNIST_MEAN = 0.286;
export const FASHION_MNIST_STD = 0.353;

/**
 * The `barlow` two-view augmentation of spec §3.2 adapted to 28-px grayscale: random resized crop,
 * flip 0.5, brightness/contrast jitter (±0.4) with p 0.8, blur (p 1.0 / 0.1), solarize (p 0 / 0.2);
 * grayscale conversion, saturation and hue are no-ops on one channel. The crop scale starts at 0.2
 * (0.08 of a 28-px image is an 8-px patch) and σ is scaled to the image size as the anchor does:
 * U(0.1, 2.0)·(28/224)·4 = U(0.05, 1.0) px.
 */
export function barlowGrayViews(
  size = 28,
  mean = FASHION_MNIST_MEAN,
  std = FASHION_MNIST_STD,
): [GrayViewConfig, GrayViewConfig] {
  const sigma: [number, number] = [0.1 * (size / 224) * 4, 2.0 * (size / 224) * 4];
  const base = {
    size,
    scale: [0.2, 1] as [number, number],
    flipP: 0.5,
    jitterP: 0.8,
    brightness: 0.4,
    contrast: 0.4,
    blurSigma: sigma,
    mean,
    std,
  };
  return [
    { ...base, blurP: 1.0, solarizeP: 0 },
    { ...base, blurP: 0.1, solarizeP: 0.2 },
  ];
}

/**
 * `multicrop` (spec §3.3) for single-channel images: two global views at `size` (scale (0.4, 1);
 * blur 1.0 / 0.1, solarize 0 / 0.2) and `locals` local views at `localSize` (scale (0.05, 0.4),
 * blur 0.5); in the self-labeling phase the scales narrow to (0.14, 1) and (0.05, 0.14). Jitter is
 * brightness and contrast as in {@link barlowGrayViews}; σ scales with each view's side.
 */
export function multiCropGrayViews(o: {
  size: number;
  localSize: number;
  locals: number;
  selfLabel?: boolean;
  mean?: number;
  std?: number;
}): GrayViewConfig[] {
  const [g1, g2] = barlowGrayViews(o.size, o.mean, o.std);
  const gs: [number, number] = o.selfLabel ? [0.14, 1] : [0.4, 1];
  const ls: [number, number] = o.selfLabel ? [0.05, 0.14] : [0.05, 0.4];
  const [local] = barlowGrayViews(o.localSize, o.mean, o.std);
  return [
    { ...g1, scale: gs },
    { ...g2, scale: gs },
    ...Array.from({ length: o.locals }, () => ({ ...local, scale: ls, blurP: 0.5, solarizeP: 0 })),
  ];
}

/**
 * Augments a batch of single-channel byte images into an NHWC float batch for one view. Reuses its
 * scratch buffers across calls; the returned array is owned by the caller.
 */
export class GrayViewAugmenter {
  private readonly tmp: Float32Array;

  /** @throws InvalidArgumentError on an invalid configuration. */
  constructor(readonly config: GrayViewConfig) {
    const c = config;
    if (!(Number.isInteger(c.size) && c.size > 0))
      throw new InvalidArgumentError(`view size must be a positive integer, got ${c.size}`);
    if (!(c.scale[0] > 0 && c.scale[0] <= c.scale[1] && c.scale[1] <= 1))
      throw new InvalidArgumentError(
        `crop scale must satisfy 0 < min ≤ max ≤ 1, got [${c.scale.join(', ')}]`,
      );
    if (!(c.std > 0)) throw new InvalidArgumentError(`normalisation std must be positive, got ${c.std}`);
    this.tmp = new Float32Array(c.size * c.size);
  }

  /**
   * @param rng one generator drawn from image after image, or a generator per image (by its batch
   * position): then an image's view depends on nothing but its own generator, whatever batch it
   * lands in. @param images [count, h, w] bytes; @param indices which images, in batch order.
   * @returns [indices.length, size, size, 1] floats.
   */
  apply(
    rngs: Random | ((b: number) => Random),
    images: Uint8Array,
    h: number,
    w: number,
    indices: ArrayLike<number>,
    out?: Float32Array,
  ): Float32Array {
    const c = this.config;
    const n = c.size * c.size;
    const dst = out ?? new Float32Array(indices.length * n);
    for (let b = 0; b < indices.length; b++) {
      const o = b * n;
      const rng = typeof rngs === 'function' ? rngs(b) : rngs;
      const box = randomResizedCropBox(rng, h, w, c.scale);
      resizeCrop(images, indices[b]! * h * w, h, w, 1, box, dst, o, c.size, c.size, rng.next() < c.flipP);
      if (rng.next() < c.jitterP) {
        const fb = rng.uniform(1 - c.brightness, 1 + c.brightness);
        const fc = rng.uniform(1 - c.contrast, 1 + c.contrast);
        if (rng.next() < 0.5) {
          adjustBrightness(dst, o, n, fb);
          adjustContrast(dst, o, n, fc);
        } else {
          adjustContrast(dst, o, n, fc);
          adjustBrightness(dst, o, n, fb);
        }
      }
      if (rng.next() < c.blurP)
        gaussianBlur(dst, o, c.size, c.size, rng.uniform(c.blurSigma[0], c.blurSigma[1]), this.tmp);
      if (rng.next() < c.solarizeP) solarize(dst, o, n);
      normalize(dst, o, n, c.mean, c.std);
    }
    return dst;
  }
}

/**
 * The training transform of linear evaluation and fine-tuning (the seed's `evaluate.py`) for
 * single-channel images: random resized crop at the default scale (0.08, 1) and flip, nothing else.
 */
export function evalTrainGrayView(size: number, mean: number, std: number): GrayViewConfig {
  return {
    size,
    scale: [0.08, 1],
    flipP: 0.5,
    jitterP: 0,
    brightness: 0,
    contrast: 0,
    blurP: 0,
    blurSigma: [0.1, 2],
    solarizeP: 0,
    mean,
    std,
  };
}
