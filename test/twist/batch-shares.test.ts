import test from 'ava';
import { InvalidArgumentError } from '../../core/index.js';
import { BatchShares } from '../../twist/index.js';

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/** Feeds `steps` steps in which replica r takes `secondsPerImage[r]` a image of its share. */
function run(b: BatchShares, from: number, steps: number, secondsPerImage: number[]): void {
  for (let s = from; s < from + steps; s++)
    b.observe(
      s,
      b.at(s).map((n, r) => n * secondsPerImage[r]!),
    );
}

test('equal shares until the first measurement; slices partition the global batch', (t) => {
  const b = new BatchShares(256, 2);
  t.deepEqual(b.at(0), [128, 128]);
  t.deepEqual(b.slice(7, 0), { offset: 0, count: 128 });
  t.deepEqual(b.slice(7, 1), { offset: 128, count: 128 });
});

test('a replica twice as slow ends with a third of the batch; a measurement applies only `lag` steps on', (t) => {
  const b = new BatchShares(256, 2, { lag: 2, warmup: 0 });
  b.observe(0, [5, 1]); // each replica's first step on 128 images: not a measure of its speed
  t.deepEqual(b.at(5), [128, 128]);
  b.observe(1, [0.5, 1.0]);
  // Steps 1–2 were requested already: they keep the equal split.
  t.deepEqual(b.at(2), [128, 128]);
  const next = b.at(3);
  t.is(sum(next), 256);
  t.true(next[0]! > 128 && next[1]! < 128, `the faster replica takes more: ${next.join(', ')}`);
  run(b, 2, 40, [1, 2]);
  const settled = b.at(100);
  // 170.7 and 85.3 in multiples of 8 (the default quantum for 128 a replica): few batch sizes.
  t.is(b.quantum, 8);
  t.deepEqual(settled, [168, 88]);
  // Balanced, the replicas' busy times agree to a quantum's worth.
  t.true(Math.abs(settled[0]! * 1 - settled[1]! * 2) <= 2 * b.quantum);
  let offset = 0;
  for (let r = 0; r < 2; r++) {
    t.deepEqual(b.slice(100, r), { offset, count: settled[r]! });
    offset += settled[r]!;
  }
});

test('shares never go below the minimum and always sum to the global batch', (t) => {
  const b = new BatchShares(96, 3, { minFraction: 0.5, warmup: 0 });
  run(b, 0, 60, [1, 50, 1]);
  const s = b.at(1000);
  t.is(sum(s), 96);
  t.is(s[1], 16, 'half of an equal share (32) is the floor');
  t.true(s.every((n) => Number.isInteger(n) && n >= 16));
  // Equal speeds split equally again (ties by rank).
  run(b, 60, 80, [1, 1, 1]);
  t.deepEqual(b.at(10_000), [32, 32, 32]);
});

test('small noise around a balanced split changes no share (hysteresis)', (t) => {
  const b = new BatchShares(256, 2, { lag: 1 });
  const seen = new Set<string>();
  for (let s = 0; s < 60; s++) {
    const wobble = 1 + 0.04 * Math.sin(s * 1.7);
    b.observe(
      s,
      b.at(s).map((n, r) => n * (r === 0 ? wobble : 1)),
    );
    seen.add(b.at(s + 1).join(','));
  }
  t.deepEqual([...seen], ['128,128'], 'a ±4 % wobble moves the ideal under 0.6 of a quantum (4.8 images)');
});

test('steps marked equal split equally; a bad measurement is ignored; reset returns to equal', (t) => {
  const b = new BatchShares(64, 2, { lag: 1, warmup: 0, equalAt: (s) => s >= 50 && s < 60 });
  run(b, 0, 20, [1, 3]);
  const skewed = b.at(30);
  t.notDeepEqual(skewed, [32, 32]);
  t.deepEqual(b.at(55), [32, 32]);
  t.deepEqual(b.at(60), skewed);
  b.observe(20, [Number.NaN, 1]);
  b.observe(21, [0, 1]);
  t.deepEqual(b.at(30), skewed, 'non-positive or non-finite times change nothing');
  b.reset();
  t.deepEqual(b.at(30), [32, 32]);
});

test('the first measurements after a reset (one-off costs of a new ring) are ignored', (t) => {
  const b = new BatchShares(64, 2, { lag: 1 });
  b.observe(0, [10, 1]);
  b.observe(1, [10, 1]);
  t.deepEqual(b.at(5), [32, 32], 'two warm-up steps change nothing');
  b.observe(2, [1, 3]);
  t.deepEqual(
    b.at(5),
    [48, 16],
    'the third does: replica 0 three times as fast (the floor, 16, for replica 1)',
  );
  b.observe(3, [100, 1]);
  t.deepEqual(b.at(5), [48, 16], 'nor does a step on share sizes new to the replicas');
  b.reset();
  b.observe(0, [1, 3]);
  t.deepEqual(b.at(5), [32, 32], 'a reset starts the warm-up again');
});

test('bad arguments are refused, naming the value', (t) => {
  t.throws(() => new BatchShares(255, 2), { instanceOf: InvalidArgumentError, message: /255.*2 replicas/ });
  t.throws(() => new BatchShares(64, 2, { lag: 0 }), { instanceOf: InvalidArgumentError, message: /lag.*0/ });
  t.throws(() => new BatchShares(64, 2, { smoothing: 2 }), {
    instanceOf: InvalidArgumentError,
    message: /smoothing/,
  });
  t.throws(() => new BatchShares(64, 2, { minFraction: 0 }), {
    instanceOf: InvalidArgumentError,
    message: /minFraction/,
  });
  t.throws(() => new BatchShares(64, 2, { warmup: -1 }), {
    instanceOf: InvalidArgumentError,
    message: /warmup.*-1/,
  });
  t.throws(() => new BatchShares(64, 2, { quantum: 3 }), {
    instanceOf: InvalidArgumentError,
    message: /quantum.*dividing 32.*got 3/,
  });
  const b = new BatchShares(64, 2);
  t.throws(() => b.observe(0, [1]), { instanceOf: InvalidArgumentError, message: /1 busy times for 2/ });
});
