import test from 'ava';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  ami,
  ari,
  clusterAccuracy,
  fowlkesMallows,
  knnAccuracy,
  logGamma,
  linearSumAssignment,
  nmi,
  selectBackend,
  shutdownBackend,
  splitAtSize,
} from '../../twist/index.js';

test.before(async () => {
  await selectBackend({ name: 'cpu' });
});
test.after.always(() => shutdownBackend());

function bruteForceMin(cost: number[], n: number, m: number): number {
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < m; j++)
      if (!used[j]) {
        used[j] = true;
        go(i + 1, acc + cost[i * m + j]!);
        used[j] = false;
      }
  };
  go(0, 0);
  return best;
}

test('linearSumAssignment finds the brute-force optimum on random square and rectangular matrices', (t) => {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) % 1000) / 10;
  for (const [n, m] of [
    [3, 3],
    [5, 5],
    [6, 6],
    [4, 7],
    [1, 5],
  ] as const) {
    for (let rep = 0; rep < 5; rep++) {
      const cost = Array.from({ length: n * m }, rand);
      const match = linearSumAssignment(cost, n, m);
      t.is(new Set(match).size, n, 'distinct columns');
      const total = Array.from(match).reduce((acc, j, i) => acc + cost[i * m + j]!, 0);
      t.true(Math.abs(total - bruteForceMin(cost, n, m)) < 1e-9);
    }
  }
  t.throws(() => linearSumAssignment([1, 2], 2, 1));
});

test('clustering accuracy is 1 for a relabelled perfect clustering and counts surplus clusters as wrong', (t) => {
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
  t.is(clusterAccuracy(labels, Int32Array.from([2, 2, 0, 0, 1, 1])), 1);
  t.is(clusterAccuracy(labels, Int32Array.from([0, 1, 0, 1, 0, 1])), 2 / 6);
  t.is(clusterAccuracy(labels, Int32Array.from([0, 0, 1, 1, 3, 3])), 1, 'cluster 3 matches class 2');
  t.is(clusterAccuracy(labels, Int32Array.from([0, 0, 0, 0, 0, 0])), 2 / 6);
});

// scikit-learn 1.2 (Debian python3-sklearn): normalized_mutual_info_score([0,0,1,1,2,2],[0,0,1,2,2,2])
// = 0.7396673768007591; ([0,0,0,1,1,1],[0,1,0,1,0,1]) = 0.08170416594551082.
test('NMI equals scikit-learn (arithmetic normalisation)', (t) => {
  t.true(
    Math.abs(
      nmi(Int32Array.from([0, 0, 1, 1, 2, 2]), Int32Array.from([0, 0, 1, 2, 2, 2])) - 0.7396673768007591,
    ) < 1e-12,
  );
  t.true(
    Math.abs(
      nmi(Int32Array.from([0, 0, 0, 1, 1, 1]), Int32Array.from([0, 1, 0, 1, 0, 1])) - 0.08170416594551082,
    ) < 1e-12,
  );
  t.is(nmi(Int32Array.from([1, 1]), Int32Array.from([0, 0])), 1);
});

test('weighted kNN votes with exp(sim / T) over the top-k cosine neighbours', (t) => {
  // Class 0 along +x, class 1 along +y; queries near each axis.
  const train = tf.tensor2d([
    [1, 0.1],
    [2, 0],
    [0.1, 1],
    [0, 3],
    [0.2, 2],
  ]);
  const trainLabels = Int32Array.from([0, 0, 1, 1, 1]);
  const testF = tf.tensor2d([
    [5, 1],
    [1, 4],
  ]);
  t.is(knnAccuracy(train, trainLabels, testF, Int32Array.from([0, 1]), 2, { k: 2 }), 1);
  // k = 5: class 1 has three voters but class 0's two are far closer to query 0, and weights win.
  t.is(knnAccuracy(train, trainLabels, testF, Int32Array.from([0, 1]), 2, { k: 5, temperature: 0.05 }), 1);
  t.throws(() => knnAccuracy(train, trainLabels, testF, Int32Array.from([0, 1]), 2, { k: 6 }));
});

const sk = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/sklearn-cluster-metrics.json', import.meta.url), 'utf8'),
) as {
  name: string;
  labels: number[];
  preds: number[];
  nmi: number;
  ami: number;
  ari: number;
  fmi: number;
}[];

// test/fixtures/sklearn-cluster-metrics.json: scikit-learn 1.2.1 (Debian python3-sklearn) on hand-made
// edge cases (one cluster, all singletons, gapped ids, more clusters than classes) and random labelings.
for (const c of sk) {
  test(`NMI, AMI, ARI and Fowlkes-Mallows equal scikit-learn: ${c.name}`, (t) => {
    const l = Int32Array.from(c.labels);
    const p = Int32Array.from(c.preds);
    for (const [name, got, want] of [
      ['nmi', nmi(l, p), c.nmi],
      ['ami', ami(l, p), c.ami],
      ['ari', ari(l, p), c.ari],
      ['fmi', fowlkesMallows(l, p), c.fmi],
    ] as const)
      t.true(Math.abs(got - want) < 1e-9, `${name}: ${got} vs ${want}`);
  });
}

test('logGamma matches Python math.lgamma', (t) => {
  const ref = JSON.parse(
    readFileSync(new URL('../../../test/fixtures/lgamma.json', import.meta.url), 'utf8'),
  ) as [number, number][];
  for (const [x, want] of ref)
    t.true(
      Math.abs(logGamma(x) - want) <= 1e-13 * Math.max(1, Math.abs(want)),
      `lgamma(${x}) = ${logGamma(x)} vs ${want}`,
    );
});

// scikit-learn 1.2.1 on labels i mod 100 and predictions (i² mod 97) + (i mod 3), N = 200 000:
// AMI −0.00461956263166498, NMI 7.592529332156197e-05, ARI −0.0004154502884803397.
test('AMI, NMI and ARI at N = 200 000 with 100 classes and 85 clusters equal scikit-learn; a permuted labeling scores 1', (t) => {
  const n = 200000;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 100);
  const preds = Int32Array.from({ length: n }, (_, i) => ((i * i) % 97) + (i % 3));
  t.true(Math.abs(ami(labels, preds) - -0.00461956263166498) < 1e-10, `${ami(labels, preds)}`);
  t.true(Math.abs(nmi(labels, preds) - 7.592529332156197e-5) < 1e-12);
  t.true(Math.abs(ari(labels, preds) - -0.0004154502884803397) < 1e-12);
  const perm = Int32Array.from(labels, (l) => (l * 37) % 100);
  t.true(Math.abs(ami(labels, perm) - 1) < 1e-9);
});

// Worked by hand (scikit-learn's documentation example for ARI): labels [0,0,1,2], clusters [0,0,1,1].
// Contingency: class 0 → cluster 0 twice; classes 1 and 2 → cluster 1 once each.
// ARI: ΣC(n_ij,2) = 1, ΣC(a,2) = 1, ΣC(b,2) = 2, C(4,2) = 6, X = 1·2/6 = 1/3 → (1 − 1/3)/(3/2 − 1/3) = 4/7.
// NMI: H(U) = 1.5·ln 2, H(V) = ln 2, MI = ½ln 2 + 2·¼·ln 2 = ln 2 → ln 2 / (1.25·ln 2) = 0.8.
// FMI: TP = 2, TP+FP = 4, TP+FN = 2 (ordered pairs) → √(2/4)·√(2/2) = 1/√2.
// ACC: the best map sends cluster 0 → class 0, cluster 1 → class 1 or 2: 3 of 4.
test('every clustering metric on a table worked by hand', (t) => {
  const l = Int32Array.from([0, 0, 1, 2]);
  const p = Int32Array.from([0, 0, 1, 1]);
  t.true(Math.abs(ari(l, p) - 4 / 7) < 1e-12);
  t.true(Math.abs(nmi(l, p) - 0.8) < 1e-12);
  t.true(Math.abs(fowlkesMallows(l, p) - Math.SQRT1_2) < 1e-12);
  t.is(clusterAccuracy(l, p), 0.75);
});

test("splitAtSize resizes a split's images as torchvision's Resize does (PIL's BILINEAR) and keeps a split of that size", (t) => {
  const split = {
    images: Uint8Array.from([0, 100, 200, 255, 7, 7, 7, 7]),
    labels: Int32Array.from([1, 2]),
    count: 2,
    height: 2,
    width: 2,
    numClasses: 3,
  };
  t.is(splitAtSize(split, 2), split);
  t.is(splitAtSize(split, undefined), split, 'a checkpoint that records no side');
  const up = splitAtSize(split, 4);
  t.like(up, { count: 2, height: 4, width: 4, numClasses: 3 });
  t.is(up.labels, split.labels);
  // PIL's Image.resize((4, 4), BILINEAR) of [[0, 100], [200, 255]]; torch's bilinear interpolate,
  // rounded, gives the same bytes:
  t.deepEqual(
    [...up.images.subarray(0, 16)],
    [0, 25, 75, 100, 50, 72, 117, 139, 150, 167, 200, 216, 200, 214, 241, 255],
  );
  t.deepEqual([...up.images.subarray(16)], new Array<number>(16).fill(7), 'a constant image stays constant');
  t.deepEqual([...splitAtSize(up, 2).images.subarray(4)], [7, 7, 7, 7]);
});
