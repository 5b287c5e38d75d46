import * as tf from '@tensorflow/tfjs-core';

/**
 * A backend that can defer kernels (the torch backend can): a deferred kernel returns its output
 * tensor at once, and computes it on the tensor's first use (as a kernel's input, or read), on
 * {@link DeferringBackend.runDeferred}, or never if it is disposed first. Results are the same as
 * without deferral; only the order of the work changes.
 */
export interface DeferringBackend {
  /** From now on, these kernels' outputs are deferred (an empty list: none; pending ones stay pending). */
  deferKernels(names: readonly string[]): void;
  /**
   * Computes pending deferred outputs, oldest first, until `until()` is true (tested before each)
   * or none is left.
   * @returns how many it computed.
   */
  runDeferred(until?: () => boolean): number;
}

/** The active backend, if it can defer kernels. */
export function deferringBackend(): DeferringBackend | undefined {
  const b = tf.backend() as Partial<DeferringBackend>;
  return typeof b.deferKernels === 'function' && typeof b.runDeferred === 'function'
    ? (b as DeferringBackend)
    : undefined;
}

/**
 * Computes the active backend's deferred outputs until `until()` is true: work to fill a wait with
 * (a sum over the replicas in flight). Nothing on a backend that does not defer.
 * @returns how many it computed.
 */
export function runDeferredWork(until?: () => boolean): number {
  return deferringBackend()?.runDeferred(until) ?? 0;
}

/**
 * Runs `fn` with the outputs of kernels `names` deferred on the active backend (when it can), then
 * computes whatever is still pending and stops deferring, also when `fn` throws.
 */
export function withDeferredKernels<T>(names: readonly string[], fn: () => T): T {
  const b = deferringBackend();
  if (!b) return fn();
  b.deferKernels(names);
  try {
    return fn();
  } finally {
    b.deferKernels([]);
    b.runDeferred();
  }
}

/**
 * The kernel to defer in a data-parallel backward with SyncBatchNorm: a convolution's filter
 * gradient, which nothing in the backward waits for but the optimizer, so it can be computed while
 * a BatchNorm's sums travel between the replicas.
 */
export const DEFERRABLE_BACKWARD_KERNELS = ['Conv2DBackpropFilter'] as const;
