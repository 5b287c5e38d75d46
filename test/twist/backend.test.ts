import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../core/index.js';
import { parseBackendName, selectBackend, shutdownBackend } from '../../twist/index.js';

test.after.always(() => shutdownBackend());

test('backend names are validated, naming where the bad value came from', (t) => {
  t.is(parseBackendName('wasm', '--backend'), 'wasm');
  const err = t.throws(() => parseBackendName('webgpu', 'TWIST_BACKEND'), {
    instanceOf: InvalidArgumentError,
  });
  t.regex(err.message, /TWIST_BACKEND: unknown backend 'webgpu'/);
});

test.serial('a bad thread count is rejected before anything loads', async (t) => {
  await t.throwsAsync(selectBackend({ name: 'wasm', threads: 0 }), { instanceOf: InvalidArgumentError });
});

test.serial(
  'a malformed torch setting in the environment is an error, not a fall-back to another backend',
  async (t) => {
    shutdownBackend();
    for (const [name, value, message] of [
      ['TWIST_TORCH_TF32', 'yes', "TWIST_TORCH_TF32 must be 0 or 1, got 'yes'"],
      ['TWIST_TORCH_CACHE_BYTES', '1e', "TWIST_TORCH_CACHE_BYTES must be a byte count, got '1e'"],
    ] as const) {
      process.env[name] = value;
      try {
        await t.throwsAsync(selectBackend({ name: 'auto' }), { instanceOf: InvalidArgumentError, message });
      } finally {
        delete process.env[name];
      }
    }
    // a setting of the torch backend does not concern a forced other backend
    process.env['TWIST_TORCH_TF32'] = 'yes';
    try {
      t.is((await selectBackend({ name: 'cpu' })).name, 'cpu');
    } finally {
      delete process.env['TWIST_TORCH_TF32'];
      shutdownBackend();
    }
  },
);

test.serial('wasm with two threads runs the threaded-SIMD binary under Node', async (t) => {
  shutdownBackend();
  const info = await selectBackend({ name: 'wasm', threads: 2 });
  t.is(info.name, 'wasm');
  t.is(info.threads, 2);
  t.regex(info.detail, /threaded-simd, 2 threads/);
  const y = tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'same');
  t.is(y.dataSync()[5], 9);
  await t.throwsAsync(selectBackend({ name: 'cpu' }), {
    instanceOf: InvalidArgumentError,
    message: /already initialised/,
  });
});
