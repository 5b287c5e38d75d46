import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the active backend registers every kernel in `names`: layers use a backend's optional
 * fused kernels (batch norm, layer norm, GELU) when it has them and their composite form otherwise.
 */
export function backendHas(...names: string[]): boolean {
  const b = tf.getBackend();
  return names.every((n) => tf.getKernel(n, b) !== undefined);
}
