import { Random } from '../core/index.js';

/**
 * The order of one epoch: a permutation of [0, n) from (seed, epoch), identical on every run.
 * Batches of `batchSize` are taken in order; the remainder is dropped (`drop_last`).
 */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return new Random((seed * 1000003 + epoch) >>> 0).shuffle(order);
}
