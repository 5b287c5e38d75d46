import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

// A trainer told to compute on one thread must use one core: the scaling benchmark's 1-trainer
// baseline and the two-trainers-on-two-cores layout both rest on it. Debian's libtorch runs its
// matrix products on OpenBLAS's pthreads build, whose own pool at::set_num_threads leaves at one
// thread per core; the addon sizes it too.
if (libtorchOnThisMachine()) {
  test.after.always(() => shutdownBackend());
  test('a one-thread torch backend runs its matrix products on one thread', async (t) => {
    const info = await selectBackend({ name: 'torch', threads: 1 });
    t.regex(info.detail, /CPU, 1 ATen threads, 1 BLAS/);
    const a = tf.randomNormal([768, 768]);
    const b = tf.randomNormal([768, 768]);
    tf.matMul(a, b).dispose();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < 24; i++) tf.matMul(a, b).dispose();
    const wallUs = (performance.now() - t0) * 1000;
    const { user, system } = process.cpuUsage(cpu0);
    tf.dispose([a, b]);
    // CPU time over wall time: ~1 on one thread, ~2 with the BLAS pool on both cores of this
    // machine (load from other processes only lowers it).
    t.true((user + system) / wallUs < 1.4, `cpu/wall ${((user + system) / wallUs).toFixed(2)}`);
  });
}
