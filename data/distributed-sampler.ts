import { InvalidArgumentError } from '../core/index.js';
import { epochOrder } from './sampler.js';

export interface DistributedSamplerOptions {
  seed: number;
  epoch: number;
  rank: number;
  worldSize: number;
  /** Drop the tail that does not divide by `worldSize` (default true); otherwise pad by wrapping. */
  dropLast?: boolean;
  /** Shuffle with (seed, epoch) (default true); otherwise the natural order. */
  shuffle?: boolean;
}

/**
 * Rank `rank`'s indices of an epoch, as PyTorch's `DistributedSampler`: the epoch's order (a
 * permutation from (seed, epoch), the same on every run and every rank), cut to a multiple of the
 * world size (`dropLast`) or padded by wrapping, then every `worldSize`-th index from `rank`. With
 * `dropLast`, the ranks' indices are disjoint and their union is the order's first
 * ⌊n / w⌋·w indices; every rank gets the same count.
 * @throws InvalidArgumentError on a rank outside [0, worldSize) or a world size < 1.
 */
export function distributedIndices(count: number, opts: DistributedSamplerOptions): Int32Array {
  const { rank, worldSize } = opts;
  if (!Number.isInteger(worldSize) || worldSize < 1)
    throw new InvalidArgumentError(`sampler: world size must be a whole number ≥ 1, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
    throw new InvalidArgumentError(`sampler: rank ${rank} is not in [0, ${worldSize})`);
  const order =
    opts.shuffle === false
      ? Int32Array.from({ length: count }, (_, i) => i)
      : epochOrder(count, opts.seed, opts.epoch);
  const total =
    opts.dropLast === false
      ? Math.ceil(count / worldSize) * worldSize
      : Math.floor(count / worldSize) * worldSize;
  const per = total / worldSize;
  const out = new Int32Array(per);
  for (let j = 0; j < per; j++) out[j] = order[(rank + j * worldSize) % Math.max(count, 1)]!;
  return out;
}
