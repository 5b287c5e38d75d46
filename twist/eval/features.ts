import * as tf from '@tensorflow/tfjs-core';
import type { ImageSplit } from '../../data/index.js';
import { resizeCrop } from '../augment/index.js';
import type { TwistModel } from '../models/index.js';

/** Per-channel normalisation of a dataset (pixels in [0, 1] first). */
export interface Normalization {
  mean: number;
  std: number;
}

/** Normalised NHWC floats of images [start, start + n) of a single-channel split. */
export function normalizedBatch(
  split: ImageSplit,
  start: number,
  n: number,
  norm: Normalization,
): tf.Tensor4D {
  const px = split.height * split.width;
  const x = new Float32Array(n * px);
  const inv = 1 / (255 * norm.std);
  const off = norm.mean / norm.std;
  for (let i = 0, base = start * px; i < x.length; i++) x[i] = split.images[base + i]! * inv - off;
  return tf.tensor4d(x, [n, split.height, split.width, 1]);
}

/**
 * The split with every image resized to `size`² as torchvision's `Resize` does on a PIL image
 * (PIL's two-pass BILINEAR, antialiased when shrinking; {@link resizeCrop} over the whole image): a
 * model trained on views of another side than the data's own (a ViT at 32 px on 28-px
 * Fashion-MNIST) is evaluated at the side it was trained at. The split itself when `size` is
 * undefined (a checkpoint that records none) or already its side.
 */
export function splitAtSize(split: ImageSplit, size: number | undefined): ImageSplit {
  if (size === undefined) return split;
  const { height: h, width: w, count } = split;
  if (h === size && w === size) return split;
  const pixels = size * size;
  const images = new Uint8Array(count * pixels);
  const out = new Float32Array(pixels);
  const whole = { top: 0, left: 0, height: h, width: w };
  for (let n = 0; n < count; n++) {
    resizeCrop(split.images, n * h * w, h, w, 1, whole, out, 0, size, size, false, 'bilinear');
    // resizeCrop's values are bytes / 255: back to the bytes.
    for (let i = 0; i < pixels; i++) images[n * pixels + i] = Math.round(out[i]! * 255);
  }
  return { ...split, images, height: size, width: size };
}

export interface Embedding {
  /** Backbone features [N, featureDim], eval mode. */
  features: tf.Tensor2D;
  /** Head logits [N, dim] (after the no-affine norm, running statistics), when asked for. */
  logits?: tf.Tensor2D;
}

/**
 * Backbone features (and optionally head logits) of a whole split with the model in eval mode, in
 * batches (default 1000). The tensors are the caller's to dispose.
 */
export function embedSplit(
  model: TwistModel,
  split: ImageSplit,
  norm: Normalization,
  opts: { batch?: number; logits?: boolean } = {},
): Embedding {
  const batch = opts.batch ?? 1000;
  const feats: tf.Tensor2D[] = [];
  const logits: tf.Tensor2D[] = [];
  for (let start = 0; start < split.count; start += batch) {
    const n = Math.min(batch, split.count - start);
    tf.tidy(() => {
      const f = model.features(normalizedBatch(split, start, n, norm));
      feats.push(tf.keep(f));
      if (opts.logits) logits.push(tf.keep(model.head.forward(f, { training: false })));
    });
  }
  const out: Embedding = { features: tf.concat(feats, 0) };
  if (opts.logits) out.logits = tf.concat(logits, 0);
  tf.dispose([...feats, ...logits]);
  return out;
}

/** Row-wise argmax and top-k indices of logits, on the host. */
export function topIndices(logits: tf.Tensor2D, k: number): { top1: Int32Array; topk: Int32Array } {
  const kk = Math.min(k, logits.shape[1]);
  const topk = tf.tidy(() => tf.topk(logits, kk).indices.dataSync() as Int32Array);
  const top1 = new Int32Array(logits.shape[0]);
  for (let i = 0; i < top1.length; i++) top1[i] = topk[i * kk]!;
  return { top1, topk };
}
