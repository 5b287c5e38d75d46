import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../core/index.js';
import type { ReplicaSum } from './nn/index.js';

export interface TwistLossOptions {
  /** α = 1 + lam1 weights the sharpness term (default 0; the ViT recipes use −0.6). */
  lam1?: number;
  /** β = lam2 weights the diversity term (default 1). */
  lam2?: number;
  /** Temperature of the softmax used for EH and HE (default 1; KL always uses τ = 1). */
  tau?: number;
  /** Added inside every log (default 1e-5, the seed's `EPS`). */
  eps?: number;
  /**
   * A data-parallel group: HE becomes the entropy of the global batch's mean distribution (see
   * {@link replicaBatchMean}). Default none: the mean over this replica's batch.
   */
  sync?: ReplicaSum;
}

/** Scalar tensors of one TWIST loss evaluation; `loss = kl + (1+lam1)·eh − lam2·he`. */
export interface TwistLossTerms {
  loss: tf.Scalar;
  /** Symmetric consistency ½(KL(p1‖p2) + KL(p2‖p1)), each a batch mean. */
  kl: tf.Scalar;
  /** Sharpness: mean per-sample entropy, averaged over both views. */
  eh: tf.Scalar;
  /** Diversity: entropy of the batch-mean distribution, averaged over both views. */
  he: tf.Scalar;
}

const DEFAULTS = { lam1: 0, lam2: 1, tau: 1, eps: 1e-5 };

function checkPair(z1: tf.Tensor, z2: tf.Tensor): void {
  if (z1.rank !== 2 || z2.rank !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new InvalidArgumentError(
      `twist loss needs two [B, C] logit tensors of one shape, got [${z1.shape.join(',')}] and [${z2.shape.join(',')}]`,
    );
  }
}

/** mean_i Σ_c a·(log(a+eps) − log(b+eps)); gradient flows through both arguments. */
function klMean(a: tf.Tensor2D, b: tf.Tensor2D, eps: number): tf.Scalar {
  return tf.mean(tf.sum(tf.mul(a, tf.sub(tf.log(tf.add(a, eps)), tf.log(tf.add(b, eps)))), 1)) as tf.Scalar;
}

/** mean_i [−Σ_c s·log(s+eps)]. */
function meanEntropy(s: tf.Tensor2D, eps: number): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(s, tf.log(tf.add(s, eps))), 1))) as tf.Scalar;
}

/**
 * The mean over the global batch of the rows of `s` [n, C] (this replica's n rows), in the
 * all-reduce-then-entropy form of spec §1.2. Forward: the per-class sums and the row count summed
 * over the W replicas, m = Σ_all s / N. Backward: ds_i = dm · W / N (with equal shares, n = N/W:
 * the gradient of this replica's own batch mean).
 *
 * Why that is exact. For the global loss H(m), ∂H/∂θ = Σ_all rows (∂H/∂m)·(1/N)·∂s_i/∂θ. Every
 * replica computes the same m, hence the same dm = ∂H/∂m; replica r back-propagates
 * Σ_{i∈r} dm·(W/N)·∂s_i/∂θ = W · (its rows' share of ∂H/∂θ), whatever its n. The trainers average
 * their gradients (ring all-reduce, mean): (1/W)·Σ_r W·share_r = ∂H/∂θ, the global-batch gradient,
 * the same as one replica computing H over the whole batch. (The seed's form sums the local means,
 * m' = W·m, and lets the gradient pass through the all-reduce as identity; its value is
 * W·H(m) − W·log W and its gradient the same W·share_r, the log W annihilated by the softmax.)
 * The test `data-parallel.test.ts` checks the equality on two processes against one, with equal
 * and unequal shares.
 * @throws whatever `sync` throws when the group fails.
 */
export function replicaBatchMean(s: tf.Tensor2D, sync: ReplicaSum): tf.Tensor1D {
  return globalBatchMean(s, sync).mean;
}

/**
 * {@link replicaBatchMean} and this replica's weight in the global batch, n·W/N: what its means
 * over its own rows (KL, EH) are multiplied by so that the replicas' mean of their gradients is the
 * global batch's (1 with equal shares, n = N/W).
 */
function globalBatchMean(s: tf.Tensor2D, sync: ReplicaSum): { mean: tf.Tensor1D; weight: number } {
  const n = s.shape[0];
  const c = s.shape[1];
  let count = 0;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor2D;
    const v = new Float32Array(c + 1);
    v.set(tf.tidy(() => tf.sum(xx, 0)).dataSync());
    v[c] = n;
    const g = sync.sum(v);
    count = g[c]!;
    const m = tf.div(tf.tensor1d(g.subarray(0, c)), count) as tf.Tensor1D;
    // N/W is n itself with equal shares (an exact integer): the same gradient, bitwise, as dm / n.
    const perReplica = count / sync.worldSize;
    return {
      value: m,
      gradFunc: (dm: tf.Tensor) => [tf.broadcastTo(tf.div(tf.reshape(dm, [1, c]), perReplica), [n, c])],
    };
  });
  const mean = f(s) as tf.Tensor1D;
  return { mean, weight: (n * sync.worldSize) / count };
}

/**
 * For each of `ss`, −Σ_c m·log(m+eps) with m its batch mean (global with `sync`): the entropies of
 * the batch-mean distributions, and this replica's weight n·W/N (1 without `sync`; see
 * {@link globalBatchMean}). Every view of one step holds the same images.
 */
function entropiesOfMeans(
  ss: tf.Tensor2D[],
  eps: number,
  sync?: ReplicaSum,
): { entropies: tf.Scalar[]; weight: number } {
  let weight = 1;
  const entropies = ss.map((s) => {
    let m: tf.Tensor1D;
    if (sync && sync.worldSize > 1) ({ mean: m, weight } = globalBatchMean(s, sync));
    else m = tf.mean(s, 0) as tf.Tensor1D;
    return tf.neg(tf.sum(tf.mul(m, tf.log(tf.add(m, eps))))) as tf.Scalar;
  });
  return { entropies, weight };
}

/** `t` times a replica's weight (itself, bitwise, with weight 1). */
const weighted = (t: tf.Scalar, weight: number): tf.Scalar =>
  weight === 1 ? t : (tf.mul(t, weight) as tf.Scalar);

/**
 * The TWIST loss of one pair of views exactly as the seed's `EntLoss` (spec §1.2): inputs are the
 * batch-normalised logits [B, C]; p = softmax(z) for KL, s = softmax(z/τ) for EH and HE; log(p + eps),
 * no stop-gradient; HE is the entropy of the batch-mean probability over the whole batch (over the
 * global batch with `opts.sync`; KL and EH are then this replica's means times its weight n·W/N in
 * the global batch, 1 with equal shares, so that the replicas' mean of KL, EH and their gradients is
 * the global batch's whatever the shares).
 * @throws InvalidArgumentError when the inputs are not two [B, C] tensors of one shape.
 */
export function twistLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, opts: TwistLossOptions = {}): TwistLossTerms {
  checkPair(z1, z2);
  const { lam1, lam2, tau, eps, sync } = { ...DEFAULTS, ...opts };
  return tf.tidy(() => {
    const p1 = tf.softmax(z1);
    const p2 = tf.softmax(z2);
    const s1 = tau === 1 ? p1 : (tf.softmax(tf.div(z1, tau)) as tf.Tensor2D);
    const s2 = tau === 1 ? p2 : (tf.softmax(tf.div(z2, tau)) as tf.Tensor2D);
    const klLocal = tf.mul(tf.add(klMean(p1, p2, eps), klMean(p2, p1, eps)), 0.5) as tf.Scalar;
    const ehLocal = tf.mul(tf.add(meanEntropy(s1, eps), meanEntropy(s2, eps)), 0.5) as tf.Scalar;
    const { entropies, weight } = entropiesOfMeans([s1, s2], eps, sync);
    const he = tf.mul(tf.add(entropies[0]!, entropies[1]!), 0.5) as tf.Scalar;
    const kl = weighted(klLocal, weight);
    const eh = weighted(ehLocal, weight);
    const loss = tf.sub(tf.add(kl, tf.mul(eh, 1 + lam1)), tf.mul(he, lam2)) as tf.Scalar;
    return { loss, kl, eh, he };
  });
}

/**
 * The (global, other) pairs of spec §4.4(a) for n views (views 0 and 1 are the globals):
 * (0, j) for j = 1…n−1 and (1, j) for j = 2…n−1, i.e. 2n − 3 pairs; locals never meet locals.
 * @throws InvalidArgumentError for fewer than 2 views.
 */
export function multiCropPairs(n: number): [number, number][] {
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError(`multi-crop needs at least 2 views, got ${n}`);
  const pairs: [number, number][] = [];
  for (let j = 1; j < n; j++) pairs.push([0, j]);
  for (let j = 2; j < n; j++) pairs.push([1, j]);
  return pairs;
}

/**
 * Multi-crop TWIST loss without a momentum encoder (spec §4.4(a)): the full pair loss on each of the
 * 2n − 3 (global, other) pairs, every term averaged over the pairs. With two views it equals
 * {@link twistLoss}.
 */
export function multiCropTwistLoss(views: tf.Tensor2D[], opts: TwistLossOptions = {}): TwistLossTerms {
  const pairs = multiCropPairs(views.length);
  return tf.tidy(() => {
    const terms = pairs.map(([a, b]) => twistLoss(views[a]!, views[b]!, opts));
    const avg = (k: keyof TwistLossTerms): tf.Scalar =>
      tf.div(tf.addN(terms.map((t) => t[k])), pairs.length) as tf.Scalar;
    return { loss: avg('loss'), kl: avg('kl'), eh: avg('eh'), he: avg('he') };
  });
}

/**
 * TWIST with a momentum encoder (spec §4.4(b), the ViT recipes): the teacher's logits for the two
 * global views (constants: computed by the teacher, which takes no gradient) and the student's for
 * all n views (views 0 and 1 are the globals). kl is the mean of KL(p_teacher_i ‖ p_student_j) over
 * the 2(n − 1) pairs i ∈ {0, 1}, j ≠ i; eh and he are the plain means of EH and HE over the n
 * student views, globals and locals weighted alike; loss = kl + (1+lam1)·eh − lam2·he. As in
 * {@link twistLoss}, p = softmax(z) for KL and s = softmax(z/τ) for EH and HE.
 * @throws InvalidArgumentError on other than two teacher views, fewer than two student views, or
 * shapes that differ.
 */
export function momentumTwistLoss(
  teacher: tf.Tensor2D[],
  student: tf.Tensor2D[],
  opts: TwistLossOptions = {},
): TwistLossTerms {
  if (teacher.length !== 2 || student.length < 2) {
    throw new InvalidArgumentError(
      `momentum TWIST needs the teacher's 2 global views and at least 2 student views, got ${teacher.length} and ${student.length}`,
    );
  }
  for (const z of [...teacher, ...student]) checkPair(teacher[0]!, z);
  const { lam1, lam2, tau, eps, sync } = { ...DEFAULTS, ...opts };
  return tf.tidy(() => {
    const pt = teacher.map((z) => tf.softmax(z) as tf.Tensor2D);
    const ps = student.map((z) => tf.softmax(z) as tf.Tensor2D);
    const ss = tau === 1 ? ps : student.map((z) => tf.softmax(tf.div(z, tau)) as tf.Tensor2D);
    const kls: tf.Scalar[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < student.length; j++) if (j !== i) kls.push(klMean(pt[i]!, ps[j]!, eps));
    const klLocal = tf.div(tf.addN(kls), kls.length) as tf.Scalar;
    const ehLocal = tf.div(tf.addN(ss.map((s) => meanEntropy(s, eps))), ss.length) as tf.Scalar;
    const { entropies, weight } = entropiesOfMeans(ss, eps, sync);
    const he = tf.div(tf.addN(entropies), entropies.length) as tf.Scalar;
    const kl = weighted(klLocal, weight);
    const eh = weighted(ehLocal, weight);
    const loss = tf.sub(tf.add(kl, tf.mul(eh, 1 + lam1)), tf.mul(he, lam2)) as tf.Scalar;
    return { loss, kl, eh, he };
  });
}
