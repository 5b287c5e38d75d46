import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../core/index.js';

export interface SelfLabelOptions {
  /** Fraction of the batch kept as confident (spec: cosine from 0.5 to 0.6 over the phase). */
  quantile: number;
  /** Softmax temperature of the confidences (default 1). */
  tau?: number;
}

export interface SelfLabelTerms {
  /** Mean of the masked cross-entropies over the n − 1 target views. */
  loss: tf.Scalar;
  /** Confidence threshold of this batch (strictly above it is kept). */
  threshold: number;
  /** Number of samples kept. */
  kept: number;
}

/**
 * The self-labeling loss of spec §4.5 (SCAN's confidence-based CE as TWIST uses it), on the
 * batch-normalised logits of n ≥ 2 views (0 and 1 global):
 * conf_i = max over both globals of max_c softmax(z/τ) (no gradient); threshold = conf sorted
 * descending at index min(⌊q·B⌋, B−1); the weak anchor is the global with the larger max-probability,
 * its argmax the pseudo-label, kept where conf > threshold; the loss is the mean CE over kept samples on
 * the other global and on every local view, summed and divided by n − 1. No kept sample gives 0.
 * @throws InvalidArgumentError for fewer than two views or a quantile outside [0, 1].
 */
export function selfLabelLoss(views: tf.Tensor2D[], opts: SelfLabelOptions): SelfLabelTerms {
  if (views.length < 2)
    throw new InvalidArgumentError(`self-labeling needs at least 2 views, got ${views.length}`);
  if (!(opts.quantile >= 0 && opts.quantile <= 1))
    throw new InvalidArgumentError(`self-labeling quantile must be in [0, 1], got ${opts.quantile}`);
  const tau = opts.tau ?? 1;
  const [z0, z1] = views as [tf.Tensor2D, tf.Tensor2D];
  const [B, C] = z0.shape;
  const { maxP0, maxP1, arg0, arg1 } = tf.tidy(() => {
    const p0 = tf.softmax(tf.div(z0, tau));
    const p1 = tf.softmax(tf.div(z1, tau));
    return {
      maxP0: tf.max(p0, 1).dataSync() as Float32Array,
      maxP1: tf.max(p1, 1).dataSync() as Float32Array,
      arg0: tf.argMax(p0, 1).dataSync() as Int32Array,
      arg1: tf.argMax(p1, 1).dataSync() as Int32Array,
    };
  });
  const conf = new Float32Array(B);
  const weakIs0 = new Uint8Array(B);
  for (let i = 0; i < B; i++) {
    weakIs0[i] = maxP0[i]! >= maxP1[i]! ? 1 : 0;
    conf[i] = weakIs0[i] ? maxP0[i]! : maxP1[i]!;
  }
  const sorted = Float32Array.from(conf).sort().reverse();
  const threshold = sorted[Math.min(Math.floor(opts.quantile * B), B - 1)]!;
  const mask = new Float32Array(B);
  const labels = new Int32Array(B);
  let kept = 0;
  for (let i = 0; i < B; i++) {
    labels[i] = weakIs0[i] ? arg0[i]! : arg1[i]!;
    if (conf[i]! > threshold) {
      mask[i] = 1;
      kept++;
    }
  }
  const loss = tf.tidy(() => {
    const target = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
    const m = tf.tensor1d(mask);
    const ce = (z: tf.Tensor2D): tf.Scalar => {
      const nll = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z)), 1));
      return tf.div(tf.sum(tf.mul(nll, m)), Math.max(kept, 1)) as tf.Scalar;
    };
    const w0 = tf.tensor2d(weakIs0, [B, 1], 'float32');
    // The strong anchor: per sample, the global view that is not the weak one.
    const strong = tf.add(tf.mul(z1, w0), tf.mul(z0, tf.sub(1, w0))) as tf.Tensor2D;
    const terms = [ce(strong), ...views.slice(2).map(ce)];
    return tf.div(tf.addN(terms), views.length - 1) as tf.Scalar;
  });
  return { loss, threshold, kept };
}
