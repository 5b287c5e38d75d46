import { Random } from '../core/index.js';

/** The values rank `rank` contributes for (seed, length) in the collective tests and benchmark. */
export function rankValues(seed: number, rank: number, length: number): Float32Array {
  const rng = new Random(seed * 7919 + rank * 104729 + length);
  return Float32Array.from({ length }, () => rng.normal());
}
