import { switchableNativeAddon } from '../../core/index.js';

/**
 * The augmentations' inner loops compiled (native/augment): bit-identical to their TypeScript
 * form, which runs where the addon was not built (no C++ compiler at install).
 */
export interface NativeAugment {
  resizePasses(
    src: Uint8Array,
    srcOffset: number,
    srcW: number,
    channels: number,
    top: number,
    left: number,
    rows: number,
    xStart: Int32Array,
    xTaps: Int32Array,
    xWeights: Float32Array,
    xStride: number,
    yStart: Int32Array,
    yTaps: Int32Array,
    yWeights: Float32Array,
    yStride: number,
    out: Float32Array,
    outOffset: number,
    outH: number,
    outW: number,
    flip: boolean,
  ): void;
  gaussianBlur(
    img: Float32Array,
    offset: number,
    h: number,
    w: number,
    channels: number,
    l: number,
    ww: number,
    fw: number,
    passes: number,
  ): void;
  rgbHue(img: Float32Array, offset: number, n: number, shift: number): void;
  rgbBrightness(img: Float32Array, offset: number, n: number, f: number): void;
  rgbContrast(img: Float32Array, offset: number, n: number, f: number): void;
  rgbSaturation(img: Float32Array, offset: number, n: number, f: number): void;
  rgbNormalize(
    img: Float32Array,
    offset: number,
    n: number,
    m0: number,
    m1: number,
    m2: number,
    s0: number,
    s1: number,
    s2: number,
  ): void;
}

const native = switchableNativeAddon<NativeAugment>('augment', 'twist_augment', 'TWIST_NATIVE_AUGMENT');

/** The compiled loops when built and enabled (`TWIST_NATIVE_AUGMENT=0` turns them off), else undefined. */
export function nativeAugment(): NativeAugment | undefined {
  return native.get();
}

/** Whether the compiled loops are there, and why not. */
export function nativeAugmentStatus(): { available: boolean; reason?: string } {
  return native.status();
}

/** Turns the compiled loops on or off (benchmarks and tests compare both forms). @returns the previous setting. */
export function useNativeAugment(on: boolean): boolean {
  return native.use(on);
}
