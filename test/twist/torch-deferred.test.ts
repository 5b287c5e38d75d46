import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFERRABLE_BACKWARD_KERNELS,
  deferringBackend,
  runDeferredWork,
  selectBackend,
  shutdownBackend,
  withDeferredKernels,
} from '../../twist/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

/** The filter gradient of a small convolution's squared output, [3, 3, 3, 5]. */
function filterGrad(seed: number): tf.Tensor {
  const x = tf.randomNormal([4, 6, 6, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
  const f = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', seed + 1);
  const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))))(f);
  tf.dispose([x, f]);
  return g;
}

function torchTensors(): number {
  return (tf.memory() as unknown as { numTorchTensors: number }).numTorchTensors;
}

if (libtorchOnThisMachine()) {
  test.before(async () => {
    await selectBackend({ name: 'torch' });
  });
  test.after.always(() => shutdownBackend());

  test.serial(
    'a deferred filter gradient has the eager one’s values, computed on first use, on runDeferred, or never if disposed first',
    (t) => {
      const backend = deferringBackend();
      if (!backend) return t.fail('the torch backend should defer kernels');
      const eager = filterGrad(1);
      const want = eager.dataSync();
      backend.deferKernels(DEFERRABLE_BACKWARD_KERNELS);
      try {
        // Computed by runDeferred: one pending, then none.
        const a = filterGrad(1);
        t.is(backend.runDeferred(), 1);
        t.is(backend.runDeferred(), 0);
        t.deepEqual(a.dataSync(), want);
        // Computed on its first use as an input.
        const b = filterGrad(1);
        const b2 = tf.mul(b, 2);
        t.is(backend.runDeferred(), 0);
        t.deepEqual(b.dataSync(), want);
        t.deepEqual(
          b2.dataSync(),
          want.map((v) => v * 2),
        );
        // Computed when read.
        const c = filterGrad(1);
        t.deepEqual(c.dataSync(), want);
        t.is(backend.runDeferred(), 0);
        tf.dispose([a, b, b2, c]);
        // Disposed first: never computed, and what it held is released.
        const before = torchTensors();
        const d = filterGrad(1);
        t.true(torchTensors() > before, 'the deferred gradient holds its inputs');
        d.dispose();
        t.is(torchTensors(), before);
        t.is(backend.runDeferred(), 0);
        // `until` stops the work between two kernels: oldest first.
        const e = filterGrad(1);
        const f = filterGrad(2);
        let ran = 0;
        t.is(
          backend.runDeferred(() => ran++ >= 1),
          1,
        );
        t.is(backend.runDeferred(), 1);
        t.deepEqual(e.dataSync(), want);
        t.notDeepEqual(f.dataSync(), want);
        tf.dispose([e, f]);
      } finally {
        backend.deferKernels([]);
      }
      // Not deferring any more: computed at once.
      const g = filterGrad(1);
      t.is(backend.runDeferred(), 0);
      t.deepEqual(g.dataSync(), want);
      tf.dispose([eager, g]);
    },
  );

  test.serial(
    'withDeferredKernels computes what is still pending when its function returns or throws, and stops deferring',
    (t) => {
      const want = tf.tidy(() => filterGrad(3).dataSync());
      const kept: tf.Tensor[] = [];
      const out = withDeferredKernels(DEFERRABLE_BACKWARD_KERNELS, () => {
        kept.push(filterGrad(3));
        return 'done';
      });
      t.is(out, 'done');
      t.is(runDeferredWork(), 0, 'nothing left pending');
      t.deepEqual(kept[0]!.dataSync(), want);
      t.throws(
        () =>
          withDeferredKernels(DEFERRABLE_BACKWARD_KERNELS, () => {
            kept.push(filterGrad(3));
            throw new Error('step failed');
          }),
        { message: 'step failed' },
      );
      t.is(runDeferredWork(), 0, 'nothing left pending after a throw');
      kept.push(filterGrad(3));
      t.is(runDeferredWork(), 0, 'no longer deferring');
      tf.dispose(kept);
    },
  );
}
