import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';
import { epochOrder, type ImageSplit } from '../../data/index.js';
import { GrayViewAugmenter, evalTrainGrayView } from '../augment/index.js';
import type { TwistModel } from '../models/index.js';
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
import { embedSplit, type Normalization } from './features.js';

/**
 * A class-balanced subset: from every class, ⌈percent/100 × its size⌉ samples drawn with `seed`
 * (all of them at 100 %). Sorted indices.
 * @throws InvalidArgumentError when percent is not in (0, 100].
 */
export function balancedSubset(labels: Int32Array, percent: number, seed: number): Int32Array {
  if (!(percent > 0 && percent <= 100))
    throw new InvalidArgumentError(`train percent must be in (0, 100], got ${percent}`);
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  });
  const rng = new Random(seed);
  const out: number[] = [];
  for (const [, list] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const take = Math.ceil((percent / 100) * list.length);
    const arr = Int32Array.from(list);
    rng.shuffle(arr);
    out.push(...arr.subarray(0, take));
  }
  return Int32Array.from(out).sort();
}

/** The seed's fine-tuning defaults per label fraction (spec §5.2). */
export function semiSupervisedDefaults(percent: number): { lrBackbone: number; epochs: number } {
  if (percent <= 1) return { lrBackbone: 0.04, epochs: 20 };
  if (percent <= 10) return { lrBackbone: 0.02, epochs: 20 };
  return { lrBackbone: 0.01, epochs: 30 };
}

export interface SemiSupervisedOptions {
  percent: number;
  epochs?: number;
  /** Default 0.2. */
  lrClassifier?: number;
  /** Default: 0.04 / 0.02 / 0.01 for 1 / 10 / 100 %. */
  lrBackbone?: number;
  /** Default 256. */
  batchSize?: number;
  seed?: number;
  onEpoch?: (e: EpochAccuracy) => void;
}

/**
 * Semi-supervised fine-tuning as the seed's `evaluate.py --weights finetune`: a class-balanced
 * subset, the whole backbone trained (train mode, BN batch statistics) with a new linear classifier,
 * SGD momentum 0.9 with two learning rates (classifier, backbone), no weight decay, cosine per epoch,
 * random-resized-crop + flip; the test set scored each epoch (eval mode). Modifies the model's
 * backbone in place.
 */
export function semiSupervised(
  model: TwistModel,
  train: ImageSplit,
  test: ImageSplit,
  norm: Normalization,
  numClasses: number,
  opts: SemiSupervisedOptions,
): ProbeResult & { subset: number } {
  const defaults = semiSupervisedDefaults(opts.percent);
  const epochs = opts.epochs ?? defaults.epochs;
  const lrBackbone = opts.lrBackbone ?? defaults.lrBackbone;
  const lrClassifier = opts.lrClassifier ?? 0.2;
  const batch = opts.batchSize ?? 256;
  const seed = opts.seed ?? 0;
  const subset = balancedSubset(train.labels, opts.percent, seed);
  const fc = newClassifier(model.backbone.featureDim, numClasses, seed);
  const fcFlat = new FlatParams(fc);
  const bbFlat = new FlatParams(model.store, (n) => n.startsWith('backbone.'));
  const fcGrads = new Float32Array(fcFlat.size);
  const bbGrads = new Float32Array(bbFlat.size);
  const fcOpt = new Sgd(0.9);
  const bbOpt = new Sgd(0.9);
  const vars = [...bbFlat.variables(), ...fcFlat.variables()];
  const aug = new GrayViewAugmenter(evalTrainGrayView(train.height, norm.mean, norm.std));
  const rng = new Random(seed + 7);
  const history: EpochAccuracy[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = epochOrder(subset.length, seed, epoch);
      let lossSum = 0;
      let steps = 0;
      for (let s = 0; s < order.length; s += batch) {
        const idx = Int32Array.from(order.subarray(s, Math.min(s + batch, order.length)), (i) => subset[i]!);
        if (idx.length < 2) continue; // BatchNorm needs two samples
        const labels = Int32Array.from(idx, (i) => train.labels[i]!);
        const x = tf.tensor4d(aug.apply(rng, train.images, train.height, train.width, idx), [
          idx.length,
          train.height,
          train.width,
          1,
        ]);
        const { value, grads } = tf.variableGrads(
          () => crossEntropy(classify(fc, model.backbone.forward(x, { training: true })), labels),
          vars,
        );
        lossSum += value.dataSync()[0]!;
        steps++;
        tf.dispose([value, x]);
        const fcPart: tf.NamedTensorMap = {};
        const bbPart: tf.NamedTensorMap = {};
        for (const v of fcFlat.variables()) fcPart[v.name] = grads[v.name]!;
        for (const v of bbFlat.variables()) bbPart[v.name] = grads[v.name]!;
        fcFlat.flattenGrads(fcPart, fcGrads);
        bbFlat.flattenGrads(bbPart, bbGrads);
        fcOpt.step(fcFlat.values, fcGrads, fcFlat.segments, {
          lr: cosineEpochLr(lrClassifier, epoch, epochs),
          weightDecay: 0,
        });
        bbOpt.step(bbFlat.values, bbGrads, bbFlat.segments, {
          lr: cosineEpochLr(lrBackbone, epoch, epochs),
          weightDecay: 0,
        });
        fcFlat.upload();
        bbFlat.upload();
      }
      const { features } = embedSplit(model, test, norm);
      const acc = tf.tidy(() => topAccuracy(classify(fc, features), test.labels));
      features.dispose();
      const e = { epoch: epoch + 1, ...acc, loss: lossSum / Math.max(steps, 1) };
      history.push(e);
      opts.onEpoch?.(e);
    }
  } finally {
    fc.dispose();
  }
  return { ...summarize(history), subset: subset.length };
}
