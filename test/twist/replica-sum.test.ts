import test from 'ava';
import {
  DEFERRABLE_BACKWARD_KERNELS,
  deferringBackend,
  runDeferredWork,
  selectBackend,
  shutdownBackend,
  sumOverlapped,
  withDeferredKernels,
  type PendingSum,
  type ReplicaSum,
} from '../../twist/index.js';

/** A two-replica group whose other replica holds `other`, logging its calls. */
function group(other: Float32Array, log: string[], split: boolean): ReplicaSum {
  const add = (v: Float32Array): Float32Array => v.map((x, i) => x + other[i]!);
  return {
    worldSize: 2,
    sum: (v) => {
      log.push('sum');
      return add(v);
    },
    gather: (v) => [v.slice(), other.slice()],
    ...(split
      ? {
          startSum: (v: Float32Array): PendingSum => {
            log.push('start');
            let polls = 0;
            return {
              ready: () => ++polls > 2,
              wait: () => {
                log.push('wait');
                return add(v);
              },
            };
          },
        }
      : {}),
  };
}

test('sumOverlapped works until the sum is ready, then waits for it; without startSum it sums at once', (t) => {
  const log: string[] = [];
  const out = sumOverlapped(group(Float32Array.of(10, 20), log, true), Float32Array.of(1, 2), (ready) => {
    while (!ready()) log.push('work');
  });
  t.deepEqual([...out], [11, 22]);
  t.deepEqual(log, ['start', 'work', 'work', 'wait']);
  const plain: string[] = [];
  const out2 = sumOverlapped(group(Float32Array.of(10, 20), plain, false), Float32Array.of(1, 2), () =>
    plain.push('work'),
  );
  t.deepEqual([...out2], [11, 22]);
  t.deepEqual(plain, ['sum']);
});

test('sumOverlapped still waits for the started sum when the work throws, then throws its error', (t) => {
  const log: string[] = [];
  t.throws(
    () =>
      sumOverlapped(group(Float32Array.of(1), log, true), Float32Array.of(1), () => {
        throw new Error('work failed');
      }),
    { message: 'work failed' },
  );
  t.deepEqual(log, ['start', 'wait']);
});

test('without a deferring backend (cpu) there is no deferred work, and withDeferredKernels just runs its function', async (t) => {
  await selectBackend({ name: 'cpu' });
  t.teardown(() => shutdownBackend());
  t.is(deferringBackend(), undefined);
  t.is(runDeferredWork(), 0);
  t.is(
    withDeferredKernels(DEFERRABLE_BACKWARD_KERNELS, () => 7),
    7,
  );
});
