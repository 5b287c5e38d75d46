import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../core/index.js';
import { normal } from '../nn/init.js';
import { ParamStore } from '../nn/param-store.js';

/** A new linear classifier `fc` [in, out] initialised N(0, 0.01), bias 0 (the seed's evaluate.py). */
export function newClassifier(inDim: number, numClasses: number, seed: number): ParamStore {
  const store = new ParamStore();
  store.addParam('fc.weight', [inDim, numClasses], normal(new Random(seed), inDim * numClasses, 0.01), 'IO');
  store.addParam('fc.bias', [numClasses], new Float32Array(numClasses), 'same');
  return store;
}

/** Logits of the classifier. */
export function classify(fc: ParamStore, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, fc.get('fc.weight') as tf.Tensor2D), fc.get('fc.bias'));
}

/** Mean softmax cross-entropy of logits against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** Top-1 and top-5 accuracy of logits [N, C] against labels. */
export function topAccuracy(logits: tf.Tensor2D, labels: Int32Array): { top1: number; top5: number } {
  const k = Math.min(5, logits.shape[1]);
  const idx = tf.tidy(() => tf.topk(logits, k).indices.dataSync() as Int32Array);
  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < labels.length; i++) {
    if (idx[i * k] === labels[i]) top1++;
    for (let j = 0; j < k; j++) {
      if (idx[i * k + j] === labels[i]) {
        top5++;
        break;
      }
    }
  }
  return { top1: top1 / labels.length, top5: top5 / labels.length };
}

/** CosineAnnealingLR stepped once per epoch (η_min = 0): lr·½(1 + cos(π·epoch/epochs)). */
export function cosineEpochLr(lr: number, epoch: number, epochs: number): number {
  return 0.5 * lr * (1 + Math.cos((Math.PI * epoch) / epochs));
}

export interface EpochAccuracy {
  epoch: number;
  top1: number;
  top5: number;
  loss: number;
}

/** Best top-1 / top-5 over the epochs (each maximised separately, as the seed reports them). */
export interface ProbeResult {
  best_top1: number;
  best_top5: number;
  last_top1: number;
  epochs: EpochAccuracy[];
}

export function summarize(epochs: EpochAccuracy[]): ProbeResult {
  return {
    best_top1: Math.max(...epochs.map((e) => e.top1)),
    best_top5: Math.max(...epochs.map((e) => e.top5)),
    last_top1: epochs[epochs.length - 1]?.top1 ?? 0,
    epochs,
  };
}
