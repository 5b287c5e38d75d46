import test from 'ava';
import { distributedIndices } from '../../data/index.js';

test('DistributedSampler: the ranks of an epoch are disjoint, equal in size, and cover every index once (drop_last)', (t) => {
  for (const [n, w] of [
    [100, 4],
    [101, 4],
    [7, 3],
    [10, 1],
    [5, 5],
    [3, 4],
  ] as const) {
    const parts = Array.from({ length: w }, (_, rank) =>
      distributedIndices(n, { seed: 3, epoch: 2, rank, worldSize: w }),
    );
    const per = Math.floor(n / w);
    t.true(
      parts.every((p) => p.length === per),
      `n ${n} w ${w}: every rank ${per} indices`,
    );
    const all = parts.flatMap((p) => Array.from(p));
    t.is(new Set(all).size, all.length, `n ${n} w ${w}: disjoint`);
    t.true(all.every((i) => i >= 0 && i < n));
    if (n % w === 0)
      t.deepEqual(
        [...all].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
        `n ${n} w ${w}: every index once`,
      );
  }
});

test('DistributedSampler: the same (seed, epoch) gives the same order; another epoch another; padding wraps', (t) => {
  const a = distributedIndices(1000, { seed: 1, epoch: 0, rank: 1, worldSize: 3 });
  t.deepEqual(a, distributedIndices(1000, { seed: 1, epoch: 0, rank: 1, worldSize: 3 }));
  t.notDeepEqual(a, distributedIndices(1000, { seed: 1, epoch: 1, rank: 1, worldSize: 3 }));
  const padded = Array.from({ length: 3 }, (_, rank) =>
    Array.from(distributedIndices(10, { seed: 0, epoch: 0, rank, worldSize: 3, dropLast: false })),
  );
  t.true(padded.every((p) => p.length === 4));
  t.is(new Set(padded.flat()).size, 10, 'with padding every index appears');
  t.deepEqual(
    distributedIndices(6, { seed: 0, epoch: 0, rank: 0, worldSize: 2, shuffle: false }),
    Int32Array.of(0, 2, 4),
  );
  t.throws(() => distributedIndices(10, { seed: 0, epoch: 0, rank: 3, worldSize: 3 }), {
    message: /rank 3 is not in \[0, 3\)/,
  });
});
