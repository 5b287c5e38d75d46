import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';
import { sumOverlapped, type ReplicaSum } from './replica-sum.js';
import { runDeferredWork } from './deferred-work.js';
import { backendHas } from './backend-has.js';

/**
 * Per-channel sum over every axis but the last. For NHWC images the spatial sum runs as an average
 * pool (fast on every backend; tfjs-wasm's `sum` over leading axes transposes the whole tensor first).
 */
export function channelSum(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    if (t.rank === 4) {
      const [, h, w] = t.shape as [number, number, number, number];
      const pooled = h * w === 1 ? t : tf.mul(tf.avgPool(t as tf.Tensor4D, [h, w], [h, w], 'valid'), h * w);
      return tf.sum(pooled, [0, 1, 2]) as tf.Tensor1D;
    }
    if (t.rank === 2) return tf.sum(t, 0) as tf.Tensor1D;
    throw new InvalidArgumentError(`batch norm expects a rank-2 or rank-4 input, got rank ${t.rank}`);
  });
}

export interface BatchStats {
  /** Batch mean per channel. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel (the one used to normalise). */
  variance: tf.Tensor1D;
  /** Elements per channel. */
  count: number;
}

/**
 * Fused training-mode batch norm, a kernel a backend may provide (the torch backend does, on
 * ATen's native batch norm): inputs `x` (NHWC or [N, C]) and optionally `gamma`, `beta`; attr `eps`;
 * outputs y, the batch mean and the biased batch variance per channel.
 */
export const FUSED_BATCH_NORM_TRAIN = 'TwistBatchNormTrain';
/**
 * Its gradient: inputs `dy`, `x`, `mean`, `variance` and optionally `gamma`; attr `eps`; outputs dx,
 * and with `gamma` dγ and dβ.
 */
export const FUSED_BATCH_NORM_TRAIN_GRAD = 'TwistBatchNormTrainGrad';

/**
 * SyncBatchNorm's fused pieces, kernels a backend may provide (the torch backend does):
 * `stats` (input `x`; outputs this replica's mean and biased variance per channel), `apply` (inputs
 * `x`, `mean`, `variance`, optionally `gamma`, `beta`; attr `eps`: the normalised output),
 * `backwardReduce` (inputs `dy`, `x`, `mean`, `variance`; attr `eps`; outputs Σdy and Σdy·x̂ per
 * channel) and `backwardElemt` (inputs `dy`, `x`, `mean`, `variance`, `sumDy`, `sumDyXhat`,
 * optionally `gamma`; attrs `eps`, `count`: dx from the group's sums).
 */
export const SYNC_BATCH_NORM_KERNELS = {
  stats: 'TwistBatchNormStats',
  apply: 'TwistBatchNormApply',
  backwardReduce: 'TwistBatchNormBackwardReduce',
  backwardElemt: 'TwistBatchNormBackwardElemt',
} as const;

/** Whether the active backend has the fused batch-norm kernels. */
function hasFusedBatchNorm(): boolean {
  return backendHas(FUSED_BATCH_NORM_TRAIN, FUSED_BATCH_NORM_TRAIN_GRAD);
}

/**
 * Combines every replica's [count, mean, Σ(x − mean)²] per channel in rank order (Chan et al.'s
 * pairwise update): the global count, mean and biased variance, bitwise the same on every replica.
 */
function gatherStats(
  sync: ReplicaSum,
  localCount: number,
  localMean: Float32Array,
  localM2: Float32Array,
): { count: number; mean: Float32Array; variance: Float32Array } {
  const c = localMean.length;
  const v = new Float32Array(2 * c + 1);
  v[0] = localCount;
  v.set(localMean, 1);
  v.set(localM2, 1 + c);
  const parts = sync.gather(v);
  const count = parts.reduce((a, p) => a + p[0]!, 0);
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (const p of parts) s += p[0]! * p[1 + ch]!;
    const g = s / count;
    let q = 0;
    for (const p of parts) q += p[1 + c + ch]! + p[0]! * (p[1 + ch]! - g) ** 2;
    mean[ch] = g;
    variance[ch] = q / count;
  }
  return { count, mean, variance };
}

/** {@link batchNormTrain} over a group, through the backend's SyncBatchNorm kernels. */
function fusedSyncBatchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D | null,
  beta: tf.Tensor1D | null,
  eps: number,
  sync: ReplicaSum,
): { y: tf.Tensor; stats: BatchStats } {
  const K = SYNC_BATCH_NORM_KERNELS;
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = { eps }): tf.Tensor[] => {
    const out = tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out : [out];
  };
  const localCount = x.size / x.shape[x.rank - 1]!;
  let stats: BatchStats | undefined;
  let count = localCount;
  const forward = (
    xx: tf.Tensor,
    affine: tf.NamedTensorMap,
  ): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } => {
    const [lm, lv] = run(K.stats, { x: xx }) as [tf.Tensor1D, tf.Tensor1D];
    const localMean = lm.dataSync() as Float32Array;
    const localM2 = (lv.dataSync() as Float32Array).map((v) => v * localCount);
    tf.dispose([lm, lv]);
    const g = gatherStats(sync, localCount, localMean, localM2);
    count = g.count;
    const mean = tf.tensor1d(g.mean);
    const variance = tf.tensor1d(g.variance);
    stats = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), count };
    const [y] = run(K.apply, { x: xx, mean, variance, ...affine });
    return { y: y!, mean, variance };
  };
  const backward = (
    dy: tf.Tensor,
    sx: tf.Tensor,
    mean: tf.Tensor,
    variance: tf.Tensor,
    g?: tf.Tensor,
  ): tf.Tensor[] => {
    const [sdy, sdyx] = run(K.backwardReduce, { dy, x: sx, mean, variance }) as [tf.Tensor1D, tf.Tensor1D];
    const c = sdy.shape[0];
    const both = sumOverlapped(
      sync,
      tf.tidy(() => tf.concat([sdy, sdyx]).dataSync() as Float32Array),
      runDeferredWork,
    );
    const [dx] = run(
      K.backwardElemt,
      {
        dy,
        x: sx,
        mean,
        variance,
        sumDy: tf.tensor1d(both.subarray(0, c)),
        sumDyXhat: tf.tensor1d(both.subarray(c)),
        ...(g ? { gamma: g } : {}),
      },
      { eps, count },
    );
    // dγ and dβ stay this replica's sums (see batchNormTrain)
    return g ? [dx!, sdyx, sdy] : [dx!];
  };
  let y: tf.Tensor;
  if (gamma && beta) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const { y: out, mean, variance } = forward(xx, { gamma: g, beta: b });
      save([xx, mean, variance, g]);
      return {
        value: out,
        gradFunc: (dy, saved) => {
          const [sx, sm, sv, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return backward(dy as tf.Tensor, sx, sm, sv, sg);
        },
      };
    });
    y = f(x, gamma, beta);
  } else {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const { y: out, mean, variance } = forward(xx, {});
      save([xx, mean, variance]);
      return {
        value: out,
        gradFunc: (dy, saved) => {
          const [sx, sm, sv] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          return backward(dy as tf.Tensor, sx, sm, sv);
        },
      };
    });
    y = f(x);
  }
  if (!stats) throw new Error('batch norm forward did not run');
  return { y, stats };
}

/** {@link batchNormTrain} without a group, through the backend's fused kernels. */
function fusedBatchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D | null,
  beta: tf.Tensor1D | null,
  eps: number,
): { y: tf.Tensor; stats: BatchStats } {
  const count = x.size / x.shape[x.rank - 1]!;
  let stats: BatchStats | undefined;
  const run = (name: string, inputs: tf.NamedTensorMap): tf.Tensor[] =>
    tf.engine().runKernel(name, inputs, { eps }) as unknown as tf.Tensor[];
  const forward = (inputs: tf.NamedTensorMap): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } => {
    const [y, mean, variance] = run(FUSED_BATCH_NORM_TRAIN, inputs) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    // The caller disposes the statistics after the running update; the gradient keeps its own.
    stats = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), count };
    return { y, mean, variance };
  };
  let y: tf.Tensor;
  if (gamma && beta) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const { y: out, mean, variance } = forward({ x: xx, gamma: g, beta: b });
      save([xx, mean, variance, g]);
      return {
        value: out,
        gradFunc: (dy, saved) => {
          const [sx, sm, sv, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return run(FUSED_BATCH_NORM_TRAIN_GRAD, {
            dy: dy as tf.Tensor,
            x: sx,
            mean: sm,
            variance: sv,
            gamma: sg,
          });
        },
      };
    });
    y = f(x, gamma, beta);
  } else {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const { y: out, mean, variance } = forward({ x: xx });
      save([xx, mean, variance]);
      return {
        value: out,
        gradFunc: (dy, saved) => {
          const [sx, sm, sv] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          return run(FUSED_BATCH_NORM_TRAIN_GRAD, { dy: dy as tf.Tensor, x: sx, mean: sm, variance: sv });
        },
      };
    });
    y = f(x);
  }
  if (!stats) throw new Error('batch norm forward did not run');
  return { y, stats };
}

/**
 * Batch normalisation with batch statistics (training mode) and a hand-written gradient:
 * y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + eps), dx = γ/√(σ² + eps)·(dy − mean(dy) − x̂·mean(dy·x̂)).
 * `gamma`/`beta` null means no affine part (TWIST's last norm). Returns the statistics too, kept
 * (the caller disposes them) for the running-statistics update; they carry no gradient.
 *
 * With `sync` (a data-parallel group) it is PyTorch's SyncBatchNorm: μ and σ² are over the global
 * batch (each replica's count, mean and sum of squared deviations gathered and combined), and so
 * are mean(dy) and mean(dy·x̂) in the backward (their sums summed across replicas; while they
 * travel, the backend's deferred kernels run: see `withDeferredKernels`). dγ and dβ stay the local sums:
 * each replica's dy is its local loss's, W times the global loss's share, so the data-parallel mean
 * of the replicas' gradients is the global-batch gradient, exactly as with one replica on the whole
 * batch.
 * A backend with the fused kernels ({@link FUSED_BATCH_NORM_TRAIN} without a group,
 * {@link SYNC_BATCH_NORM_KERNELS} with one) computes the same in two to four kernels instead of a
 * dozen element-wise ones.
 * @throws whatever `sync` throws when the group fails.
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D | null,
  beta: tf.Tensor1D | null,
  eps: number,
  sync?: ReplicaSum,
): { y: tf.Tensor; stats: BatchStats } {
  if (sync && sync.worldSize > 1) {
    if (backendHas(...Object.values(SYNC_BATCH_NORM_KERNELS)))
      return fusedSyncBatchNormTrain(x, gamma, beta, eps, sync);
  } else if (hasFusedBatchNorm()) return fusedBatchNormTrain(x, gamma, beta, eps);
  const localCount = x.size / x.shape[x.rank - 1]!;
  let count = localCount;
  let stats: BatchStats | undefined;
  const forward = (xx: tf.Tensor): { xhat: tf.Tensor; rstd: tf.Tensor1D } => {
    let mean: tf.Tensor1D;
    let variance: tf.Tensor1D;
    let xc: tf.Tensor;
    if (sync && sync.worldSize > 1) {
      // One gather of every replica's [count, mean, Σ(x − mean)²], combined in rank order
      // (Chan et al.'s pairwise update): exact, and bitwise the same on every replica.
      const [localMean, localM2] = tf.tidy(() => {
        const m = tf.div(channelSum(xx), localCount);
        return [m.dataSync(), channelSum(tf.square(tf.sub(xx, m))).dataSync()];
      });
      const g = gatherStats(sync, localCount, localMean as Float32Array, localM2 as Float32Array);
      count = g.count;
      mean = tf.tensor1d(g.mean);
      variance = tf.tensor1d(g.variance);
      xc = tf.sub(xx, mean);
    } else {
      mean = tf.div(channelSum(xx), count) as tf.Tensor1D;
      xc = tf.sub(xx, mean);
      variance = tf.div(channelSum(tf.square(xc)), count) as tf.Tensor1D;
    }
    const rstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    stats = { mean: tf.keep(mean), variance: tf.keep(variance), count };
    return { xhat: tf.mul(xc, rstd), rstd };
  };
  const backward = (dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor1D, g: tf.Tensor1D | null) => {
    const sdy = channelSum(dy);
    const sdyx = channelSum(tf.mul(dy, xhat));
    let gsdy = sdy;
    let gsdyx = sdyx;
    if (sync && sync.worldSize > 1) {
      const c = sdy.shape[0];
      const both = sumOverlapped(sync, tf.concat([sdy, sdyx]).dataSync() as Float32Array, runDeferredWork);
      gsdy = tf.tensor1d(both.subarray(0, c));
      gsdyx = tf.tensor1d(both.subarray(c));
    }
    const scale = g ? tf.mul(rstd, g) : rstd;
    const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(gsdy, count)), tf.mul(xhat, tf.div(gsdyx, count))), scale);
    return { dx, dgamma: sdyx, dbeta: sdy };
  };
  let y: tf.Tensor;
  if (gamma && beta) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const { xhat, rstd } = forward(xx);
      save([xhat, rstd, g]);
      return {
        value: tf.add(tf.mul(xhat, g as tf.Tensor), b),
        gradFunc: (dy, saved) => {
          const [sx, sr, sg] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
          const r = backward(dy, sx, sr, sg);
          return [r.dx, r.dgamma, r.dbeta];
        },
      };
    });
    y = f(x, gamma, beta);
  } else {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xx, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const { xhat, rstd } = forward(xx);
      save([xhat, rstd]);
      return {
        value: xhat,
        gradFunc: (dy, saved) => {
          const [sx, sr] = saved as [tf.Tensor, tf.Tensor1D];
          return [backward(dy, sx, sr, null).dx];
        },
      };
    });
    y = f(x);
  }
  if (!stats) throw new Error('batch norm forward did not run');
  return { y, stats };
}

/** Batch normalisation with fixed statistics (eval mode). */
export function batchNormEval(
  x: tf.Tensor,
  runningMean: tf.Tensor,
  runningVar: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  eps: number,
): tf.Tensor {
  return tf.tidy(() => {
    const xhat = tf.mul(tf.sub(x, runningMean), tf.rsqrt(tf.add(runningVar, eps)));
    return gamma && beta ? tf.add(tf.mul(xhat, gamma), beta) : xhat;
  });
}

/**
 * PyTorch's running-statistics update (momentum m in PyTorch's sense):
 * running_mean ← (1−m)·running_mean + m·μ, running_var ← (1−m)·running_var + m·σ²·n/(n−1),
 * num_batches_tracked += 1. Disposes the statistics.
 */
export function updateRunningStats(
  stats: BatchStats,
  runningMean: tf.Variable,
  runningVar: tf.Variable,
  numBatchesTracked: tf.Variable | undefined,
  momentum: number,
): void {
  tf.tidy(() => {
    const unbiased = stats.count > 1 ? stats.count / (stats.count - 1) : 1;
    runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(stats.mean, momentum)));
    runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(stats.variance, momentum * unbiased)));
    if (numBatchesTracked) numBatchesTracked.assign(tf.add(numBatchesTracked, tf.scalar(1, 'int32')));
  });
  stats.mean.dispose();
  stats.variance.dispose();
}
