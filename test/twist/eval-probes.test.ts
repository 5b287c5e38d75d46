import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../core/index.js';
import { loadMnistSplit } from '../../data/index.js';
import {
  TwistModel,
  balancedSubset,
  cachedFeatures,
  clusterAccuracy,
  kMeans,
  linearProbe,
  matchClusters,
  selectBackend,
  semiSupervised,
  semiSupervisedDefaults,
  shutdownBackend,
  topKClusterAccuracy,
} from '../../twist/index.js';
import { writeMnistDir } from '../helpers/mnist-files.js';

test.before(async () => {
  await selectBackend({ name: 'wasm', threads: 1 });
});
test.after.always(() => shutdownBackend());

/** Gaussian blobs: `k` centres on a scaled simplex in `d` dims, `per` points each. */
function blobs(
  k: number,
  per: number,
  d: number,
  spread: number,
  seed: number,
): { x: Float32Array; y: Int32Array } {
  const rng = new Random(seed);
  const x = new Float32Array(k * per * d);
  const y = new Int32Array(k * per);
  for (let c = 0; c < k; c++)
    for (let i = 0; i < per; i++) {
      const row = c * per + i;
      y[row] = c;
      for (let j = 0; j < d; j++)
        x[row * d + j] =
          (j === c % d ? 5 : 0) + (j === (c + 1) % d && c >= d ? 5 : 0) + spread * rng.normal();
    }
  return { x, y };
}

test('matchClusters maps clusters to classes one-to-one; top-k ACC counts a hit among the top k mapped clusters', (t) => {
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
  const preds = Int32Array.from([1, 1, 2, 0, 0, 0]);
  // Best map: 1→0 (2 hits), 0→2 (2 hits), 2→1 (1 hit): ACC 5/6.
  t.deepEqual(Array.from(matchClusters(labels, preds)), [2, 0, 1]);
  t.is(clusterAccuracy(labels, preds), 5 / 6);
  // Sample 3 (class 1) predicted 0 first, 2 second: a top-2 hit.
  const top2 = Int32Array.from([1, 0, 1, 0, 2, 1, 0, 2, 0, 1, 0, 1]);
  t.is(topKClusterAccuracy(labels, preds, top2, 2), 1);
  t.throws(() => topKClusterAccuracy(labels, preds, top2, 3), { message: /12 entries for 6 samples × 3/ });
});

test('k-means with k-means++ seeding recovers separated blobs', (t) => {
  const { x, y } = blobs(4, 50, 4, 0.3, 1);
  const r = kMeans(tf.tensor2d(x, [200, 4]), { k: 4, restarts: 3, seed: 2 });
  t.is(clusterAccuracy(y, r.labels), 1);
  t.true(r.inertia < 200 * 4 * 0.3 * 0.3 * 1.5, `inertia ${r.inertia}`);
  t.throws(() => kMeans(tf.tensor2d(x, [200, 4]), { k: 0 }), { message: /k must be in \[1, 200\]/ });
});

test('the linear probe learns separable features and reports the best top-1 / top-5 over epochs', (t) => {
  const tr = blobs(6, 60, 6, 0.5, 3);
  const te = blobs(6, 20, 6, 0.5, 4);
  const c = cachedFeatures(tf.tensor2d(tr.x, [360, 6]), tf.tensor2d(te.x, [120, 6]), true);
  const seen: number[] = [];
  const r = linearProbe(c.batches, tr.y, 6, c.test, te.y, 6, {
    epochs: 10,
    lr: 0.2,
    batchSize: 32,
    onEpoch: (e) => seen.push(e.top1),
  });
  t.is(seen.length, 10);
  t.is(r.best_top1, Math.max(...seen));
  t.true(r.best_top1 > 0.95, `top-1 ${r.best_top1}`);
  t.is(r.best_top5, 1);
  t.throws(
    () =>
      linearProbe(
        c.batches,
        tr.y,
        6,
        c.test,
        Int32Array.from(te.y, () => 9),
        6,
        { epochs: 1 },
      ),
    { message: /test label 9 is outside the 6 training classes/ },
  );
  c.dispose();
});

test('balanced subsets take ⌈p·n_c⌉ per class, deterministically per seed; the seed’s fine-tuning defaults', (t) => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 950 ? 1 : 2));
  const s = balancedSubset(labels, 10, 5);
  const per = [0, 0, 0];
  for (const i of s) per[labels[i]!]!++;
  t.deepEqual(per, [70, 25, 5]);
  t.deepEqual(s, balancedSubset(labels, 10, 5));
  t.notDeepEqual(s, balancedSubset(labels, 10, 6));
  t.is(balancedSubset(labels, 100, 0).length, 1000);
  t.throws(() => balancedSubset(labels, 0, 0));
  t.deepEqual(semiSupervisedDefaults(1), { lrBackbone: 0.04, epochs: 20 });
  t.deepEqual(semiSupervisedDefaults(10), { lrBackbone: 0.02, epochs: 20 });
  t.deepEqual(semiSupervisedDefaults(100), { lrBackbone: 0.01, epochs: 30 });
});

test('semi-supervised fine-tuning trains the backbone and the classifier on a labelled subset', async (t) => {
  const dir = writeMnistDir(256, 12, 4);
  const train = await loadMnistSplit(dir, 'train');
  const test = await loadMnistSplit(dir, 't10k');
  const model = new TwistModel({
    backbone: { depth: 18, width: 4, stem: 'cifar', inChannels: 1 },
    head: { hidDim: 16, dim: 4, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
  });
  const before = Float32Array.from(model.store.get('backbone.conv1.weight').dataSync());
  const head = Float32Array.from(model.store.get('projection_heads.last_linear.weight').dataSync());
  const r = semiSupervised(model, train, test, { mean: 0.3, std: 0.3 }, 4, {
    percent: 100,
    epochs: 4,
    batchSize: 32,
    lrBackbone: 0.05,
  });
  t.is(r.subset, 256);
  t.is(r.epochs.length, 4);
  // The classes are the bright quadrant; training flips mirror left and right, so only top/bottom
  // is learnable: 0.5 is the ceiling, chance is 0.25.
  t.true(r.best_top1 > 0.4, `top-1 ${r.best_top1} on 4 classes (ceiling 0.5 under flips, chance 0.25)`);
  t.notDeepEqual(
    Array.from(model.store.get('backbone.conv1.weight').dataSync()),
    Array.from(before),
    'backbone trained',
  );
  t.deepEqual(
    Array.from(model.store.get('projection_heads.last_linear.weight').dataSync()),
    Array.from(head),
    'projection head untouched',
  );
  model.dispose();
});
