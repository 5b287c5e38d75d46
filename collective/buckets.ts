import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../core/index.js';
import type { Communicator, ReduceOp } from './communicator.js';

/** Default bucket size, as PyTorch DDP's `bucket_cap_mb=25`. */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

/** One tensor's place in the flat gradient buffer. */
export interface BucketTensor {
  name: string;
  offset: number;
  size: number;
}

/**
 * Gradients of many tensors fused into buckets: contiguous ranges of the flat buffer, cut at tensor
 * boundaries, each at most `capBytes` (a larger tensor is a bucket alone), in the same fixed order
 * on every rank. The {@link hash} goes into the group's hello, so ranks whose layouts differ fail at
 * creation instead of mixing tensors.
 */
export class BucketLayout {
  readonly buckets: { start: number; end: number; tensors: string[] }[] = [];
  readonly hash: string;
  readonly size: number;

  /** @throws InvalidArgumentError when tensors overlap, leave gaps or the cap is not positive. */
  constructor(
    tensors: readonly BucketTensor[],
    readonly capBytes = DEFAULT_BUCKET_BYTES,
  ) {
    if (!(capBytes >= 4)) throw new InvalidArgumentError(`bucket cap must be ≥ 4 bytes, got ${capBytes}`);
    const cap = Math.floor(capBytes / 4);
    let at = 0;
    let cur: { start: number; end: number; tensors: string[] } | undefined;
    for (const t of tensors) {
      if (t.offset !== at)
        throw new InvalidArgumentError(`bucket layout: ${t.name} starts at ${t.offset}, expected ${at}`);
      if (cur && cur.end - cur.start + t.size > cap) {
        this.buckets.push(cur);
        cur = undefined;
      }
      cur ??= { start: at, end: at, tensors: [] };
      cur.end += t.size;
      cur.tensors.push(t.name);
      at += t.size;
    }
    if (cur) this.buckets.push(cur);
    this.size = at;
    this.hash = createHash('sha256')
      .update(JSON.stringify({ capBytes, tensors: tensors.map((t) => [t.name, t.size]) }))
      .digest('hex');
  }

  /**
   * All-reduces `flat` bucket by bucket (in order) with `op` (default the mean, as DDP averages).
   * @throws InvalidArgumentError when `flat` has another length; CollectiveError when the group fails.
   */
  async allReduce(comm: Communicator, flat: Float32Array, op: ReduceOp = 'mean'): Promise<void> {
    if (flat.length !== this.size)
      throw new InvalidArgumentError(
        `bucketed all-reduce: buffer of ${flat.length} values, layout of ${this.size}`,
      );
    for (const b of this.buckets) await comm.allReduce(flat.subarray(b.start, b.end), op);
  }
}
