import * as tf from '@tensorflow/tfjs-core';
import type { TwistModel } from '../models/index.js';

/**
 * Backbone features and head cluster assignments (argmax of the eval-mode logits) of a set of
 * single-channel byte images, normalised with (mean, std), in batches, with the model in eval mode.
 * The feature tensor is the caller's to dispose.
 */
export function embedImages(
  model: TwistModel,
  images: Uint8Array,
  count: number,
  h: number,
  w: number,
  mean: number,
  std: number,
  batch = 1000,
): { features: tf.Tensor2D; clusters: Int32Array } {
  const parts: tf.Tensor2D[] = [];
  const clusters = new Int32Array(count);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const x = new Float32Array(n * h * w);
    for (let i = 0; i < x.length; i++) x[i] = (images[start * h * w + i]! / 255 - mean) / std;
    const { f, c } = tf.tidy(() => {
      const f = model.features(tf.tensor4d(x, [n, h, w, 1]));
      const z = model.head.forward(f, { training: false });
      return { f, c: tf.argMax(z, 1) };
    });
    clusters.set(c.dataSync(), start);
    c.dispose();
    parts.push(f);
  }
  const features = tf.concat(parts, 0);
  tf.dispose(parts);
  return { features, clusters };
}
