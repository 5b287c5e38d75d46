import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import {
  clusterAccuracy,
  knnAccuracy,
  linearSumAssignment,
  nmi,
  selectBackend,
  shutdownBackend,
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
