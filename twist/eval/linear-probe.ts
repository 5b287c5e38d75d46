import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';
import { epochOrder } from '../../data/index.js';
import { FlatParams, Sgd } from '../optim/index.js';
import {
  classify,
  cosineEpochLr,
  crossEntropy,
  newClassifier,
  summarize,
  topAccuracy,
  type EpochAccuracy,
  type ProbeResult,
} from './classifier.js';

export interface LinearProbeOptions {
  /** Default 100 (the seed). */
  epochs?: number;
  /** Classifier lr, not batch-scaled (default 0.2, the seed's `--lr-classifier`). */
  lr?: number;
  /** Default 256. */
  batchSize?: number;
  /** Default 0 (the seed's README). */
  weightDecay?: number;
  /** Standardise features with the training set's mean and std first (the PyTorch anchor does; default false). */
  standardize?: boolean;
  seed?: number;
  onEpoch?: (e: EpochAccuracy) => void;
}

/** Supplies the training features of a batch of sample indices (frozen backbone, eval mode). */
export type BatchFeatures = (indices: Int32Array) => tf.Tensor2D;

/**
 * Linear evaluation as the seed's `evaluate.py --weights freeze`: a new linear layer (N(0, 0.01), bias
 * 0) on frozen features, SGD with momentum 0.9, lr cosine-annealed once per epoch, the test set scored
 * every epoch; reports the best top-1 and top-5 over epochs. `trainFeatures` gives each batch's
 * features: augmented images through the frozen backbone (the seed's protocol), or rows of cached
 * features of the un-augmented images (fast, no augmentation).
 * @throws InvalidArgumentError on bad sizes or a test label the training set lacks.
 */
export function linearProbe(
  trainFeatures: BatchFeatures,
  trainLabels: Int32Array,
  featureDim: number,
  testFeatures: tf.Tensor2D,
  testLabels: Int32Array,
  numClasses: number,
  opts: LinearProbeOptions = {},
): ProbeResult {
  const epochs = opts.epochs ?? 100;
  const lr = opts.lr ?? 0.2;
  const batch = opts.batchSize ?? 256;
  if (testFeatures.shape[1] !== featureDim)
    throw new InvalidArgumentError(
      `linear probe: test features have ${testFeatures.shape[1]} dims, expected ${featureDim}`,
    );
  for (const l of testLabels)
    if (l < 0 || l >= numClasses)
      throw new InvalidArgumentError(
        `linear probe: test label ${l} is outside the ${numClasses} training classes`,
      );
  if (!(epochs >= 1 && batch >= 1))
    throw new InvalidArgumentError('linear probe: epochs and batch size must be ≥ 1');
  const fc = newClassifier(featureDim, numClasses, opts.seed ?? 0);
  const flat = new FlatParams(fc);
  const grads = new Float32Array(flat.size);
  const sgd = new Sgd(0.9);
  const vars = flat.variables();
  const history: EpochAccuracy[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = epochOrder(trainLabels.length, opts.seed ?? 0, epoch);
      const lrE = cosineEpochLr(lr, epoch, epochs);
      let lossSum = 0;
      let steps = 0;
      for (let s = 0; s < order.length; s += batch) {
        const idx = order.subarray(s, Math.min(s + batch, order.length));
        const labels = Int32Array.from(idx, (i) => trainLabels[i]!);
        const x = trainFeatures(idx);
        const { value, grads: g } = tf.variableGrads(() => crossEntropy(classify(fc, x), labels), vars);
        lossSum += value.dataSync()[0]!;
        steps++;
        tf.dispose([value, x]);
        flat.flattenGrads(g, grads);
        sgd.step(flat.values, grads, flat.segments, { lr: lrE, weightDecay: opts.weightDecay ?? 0 });
        flat.upload();
      }
      const acc = tf.tidy(() => topAccuracy(classify(fc, testFeatures), testLabels));
      const e = { epoch: epoch + 1, ...acc, loss: lossSum / steps };
      history.push(e);
      opts.onEpoch?.(e);
    }
  } finally {
    fc.dispose();
  }
  return summarize(history);
}

/**
 * Rows of a cached feature matrix as {@link BatchFeatures}; with `standardize`, features are scaled
 * by the statistics of `train` (applied to `test` too). Returns the (possibly standardised) test
 * features; dispose both with `dispose()`.
 */
export function cachedFeatures(
  train: tf.Tensor2D,
  test: tf.Tensor2D,
  standardize: boolean,
): { batches: BatchFeatures; test: tf.Tensor2D; dispose: () => void } {
  const [tr, te] = tf.tidy(() => {
    if (!standardize) return [tf.clone(train), tf.clone(test)];
    const { mean, variance } = tf.moments(train, 0);
    const sd = tf.add(tf.sqrt(variance), 1e-6);
    return [tf.div(tf.sub(train, mean), sd), tf.div(tf.sub(test, mean), sd)] as tf.Tensor2D[];
  }) as [tf.Tensor2D, tf.Tensor2D];
  return {
    batches: (idx) => tf.tidy(() => tf.gather(tr, tf.tensor1d(idx, 'int32'))),
    test: te,
    dispose: () => tf.dispose([tr, te]),
  };
}
