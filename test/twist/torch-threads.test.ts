import { readFileSync } from 'node:fs';
import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

/** The BLAS the dynamic linker mapped into this process, read from /proc/self/maps. */
function mappedBlas(): 'openblas' | 'reference' | 'other' {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  if (/libopenblas/.test(maps)) return 'openblas';
  if (/\/blas\/libblas\.so/.test(maps)) return 'reference';
  return 'other';
}

// A trainer told to compute on one thread must use one core: the scaling benchmark's 1-trainer
// baseline and the two-trainers-on-two-cores layout both rest on it. Debian's libtorch runs its
// matrix products on the libblas.so.3 alternative; OpenBLAS's pthreads build keeps its own pool,
// which at::set_num_threads leaves at one thread per core; the addon sizes it too.
if (libtorchOnThisMachine()) {
  test.after.always(() => shutdownBackend());

  test.serial(
    'the torch backend names the BLAS its matrix products run on, and how to get a fast one',
    async (t) => {
      const info = await selectBackend({ name: 'torch', threads: 1 });
      const blas = mappedBlas();
      if (blas === 'openblas') t.regex(info.detail, /, 1 OpenBLAS threads$/);
      else if (blas === 'reference')
        t.regex(
          info.detail,
          /reference BLAS \(slow matrix products: apt-get install libopenblas0-pthread\)$/,
        );
      else t.notRegex(info.detail, /reference BLAS/);
    },
  );

  test.serial('a one-thread torch backend runs its matrix products on one thread', async (t) => {
    const info = await selectBackend({ name: 'torch', threads: 1 });
    t.regex(info.detail, /CPU, 1 ATen threads/);
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
