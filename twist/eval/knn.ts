import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';

export interface KnnOptions {
  /** Neighbours (default 200). */
  k?: number;
  /** Temperature of the exp(sim/T) weights (default 0.1). */
  temperature?: number;
  /** Query rows per similarity block (default 500). */
  blockSize?: number;
}

function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

/**
 * Weighted kNN classification accuracy (InstDisc / lightly protocol): features L2-normalised,
 * cosine similarity, the top-k training neighbours vote with weight exp(sim / T), the class with the
 * largest summed weight wins.
 * @throws InvalidArgumentError on mismatched sizes or k larger than the training set.
 */
export function knnAccuracy(
  trainFeatures: tf.Tensor2D,
  trainLabels: Int32Array,
  testFeatures: tf.Tensor2D,
  testLabels: Int32Array,
  numClasses: number,
  opts: KnnOptions = {},
): number {
  const k = opts.k ?? 200;
  const t = opts.temperature ?? 0.1;
  const block = opts.blockSize ?? 500;
  const [nTrain] = trainFeatures.shape;
  const [nTest] = testFeatures.shape;
  if (trainLabels.length !== nTrain || testLabels.length !== nTest)
    throw new InvalidArgumentError('kNN: feature and label counts differ');
  if (k > nTrain) throw new InvalidArgumentError(`kNN: k = ${k} exceeds the ${nTrain} training samples`);
  const train = l2Normalize(trainFeatures);
  const trainT = tf.transpose(train);
  let correct = 0;
  const votes = new Float64Array(numClasses);
  try {
    for (let start = 0; start < nTest; start += block) {
      const size = Math.min(block, nTest - start);
      const { values, indices } = tf.tidy(() => {
        const q = l2Normalize(tf.slice(testFeatures, [start, 0], [size, -1]));
        const top = tf.topk(tf.matMul(q, trainT), k);
        return {
          values: top.values.dataSync() as Float32Array,
          indices: top.indices.dataSync() as Int32Array,
        };
      });
      for (let i = 0; i < size; i++) {
        votes.fill(0);
        for (let j = 0; j < k; j++)
          votes[trainLabels[indices[i * k + j]!]!]! += Math.exp(values[i * k + j]! / t);
        let best = 0;
        for (let c = 1; c < numClasses; c++) if (votes[c]! > votes[best]!) best = c;
        if (best === testLabels[start + i]) correct++;
      }
    }
  } finally {
    train.dispose();
    trainT.dispose();
  }
  return correct / nTest;
}
