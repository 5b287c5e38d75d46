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
}
