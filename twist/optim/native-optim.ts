import { switchableNativeAddon } from '../../core/index.js';

/**
 * The optimizers' inner loops compiled (native/optim): bit-identical to their TypeScript form,
 * which runs where the addon was not built (no C++ compiler at install). Each works on
 * `[offset, offset + size)` of its Float32Arrays.
 * @throws Error naming the buffer when the range lies outside one.
 */
export interface NativeOptim {
  sumSquares(x: Float32Array, offset: number, size: number): number;
  larsUpdate(
    params: Float32Array,
    grads: Float32Array,
    buf: Float32Array,
    offset: number,
    size: number,
    weightDecay: number,
    scale: number,
    momentum: number,
    first: boolean,
  ): void;
  sgdUpdate(
    params: Float32Array,
    grads: Float32Array,
    buf: Float32Array,
    offset: number,
    size: number,
    weightDecay: number,
    lr: number,
    momentum: number,
    first: boolean,
  ): void;
  adamwUpdate(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    offset: number,
    size: number,
    decay: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    sqrtBc2: number,
    eps: number,
  ): void;
}

const native = switchableNativeAddon<NativeOptim>('optim', 'twist_optim', 'TWIST_NATIVE_OPTIM');

/** The compiled loops when built and enabled (`TWIST_NATIVE_OPTIM=0` turns them off), else undefined. */
export function nativeOptim(): NativeOptim | undefined {
  return native.get();
}

/** Whether the compiled loops are there, and why not. */
export function nativeOptimStatus(): { available: boolean; reason?: string } {
  return native.status();
}

/** Turns the compiled loops on or off (benchmarks and tests compare both forms). @returns the previous setting. */
export function useNativeOptim(on: boolean): boolean {
  return native.use(on);
}
