/**
 * Sums (or gathers) equal-length vectors over the replicas of a data-parallel group, synchronously: it is called
 * from inside the gradient tape (forward and backward of a cross-replica BatchNorm, the global batch
 * mean of TWIST's diversity term), which cannot await. Every replica must call it the same number
 * of times in the same order with vectors of the same length, and gets bitwise the same result.
 * The model code knows nothing of how it is done (the trainer plugs a blocking collective in).
 */
export interface ReplicaSum {
  /** Replicas in the group (1: the sum is the input). */
  readonly worldSize: number;
  /**
   * The element-wise sum over all replicas of `values` (a new array; `values` is not changed).
   * @throws whatever the group's transport throws when a replica fails (the step must be abandoned).
   */
  sum(values: Float32Array): Float32Array;
  /**
   * Every replica's `values` (all of one length), by rank: `worldSize` arrays. What cannot be
   * summed exactly (BatchNorm's per-replica variances) is combined from them, in rank order, the
   * same way on every replica.
   * @throws like {@link sum}.
   */
  gather(values: Float32Array): Float32Array[];
  /**
   * {@link sum} in two halves (optional): this replica's part is sent now, and the caller may compute
   * until it calls the pending sum's `wait`, which must follow before any other call on the group.
   * Without it, {@link sumOverlapped} sums at once.
   * @throws like {@link sum}.
   */
  startSum?(values: Float32Array): PendingSum;
}

/** A sum over the group started with {@link ReplicaSum.startSum} and not yet waited for. */
export interface PendingSum {
  /** Whether `wait` would find the other replicas' parts here (or the sum failed); never blocks. */
  ready(): boolean;
  /**
   * The element-wise sum over all replicas; blocks until the group is done. Call it once.
   * @throws like {@link ReplicaSum.sum}.
   */
  wait(): Float32Array;
}

/**
 * {@link ReplicaSum.sum}, with the time the other replicas take filled by `work` (called with a
 * `ready` test to stop at, until it returns): the backend's deferred kernels, say. The pending sum is
 * waited for even when `work` throws (then its error is thrown).
 * @throws whatever `sync` or `work` throws.
 */
export function sumOverlapped(
  sync: ReplicaSum,
  values: Float32Array,
  work: (ready: () => boolean) => void,
): Float32Array {
  if (!sync.startSum) return sync.sum(values);
  const pending = sync.startSum(values);
  let failure: { error: unknown } | undefined;
  try {
    work(() => pending.ready());
  } catch (error) {
    failure = { error };
  }
  const out = pending.wait();
  if (failure) throw failure.error;
  return out;
}
