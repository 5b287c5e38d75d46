import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

/** The parts of the torch backend and its addon these tests reach (structural: no deep import). */
interface TorchBackendView {
  addon: {
    kernels(): string[];
    io(minLength?: number): Float64Array;
    opAt(index: number): Float64Array;
    read(handle: number): Float32Array | Int32Array | Uint8Array;
    dispose(handle: number): boolean;
    stats(): { tensors: number };
  };
  handle(t: tf.TensorInfo): number;
  run(name: string, inputs: readonly tf.TensorInfo[], args?: readonly number[]): tf.TensorInfo[];
}

if (libtorchOnThisMachine()) {
  test.before(async () => {
    await selectBackend({ name: 'torch' });
  });
  test.after.always(() => shutdownBackend());

  const view = (): TorchBackendView => tf.backend() as unknown as TorchBackendView;

  test.serial(
    'a kernel called through the call buffer leaves its outputs there: handle, dtype, shape, values',
    (t) => {
      const b = view();
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
      const y = tf.tensor3d([10, 20, 30, 40, 50, 60], [1, 2, 3]);
      const hx = b.handle(x);
      const hy = b.handle(y);
      const kernels = b.addon.kernels();
      // [name, inputs, args, expected outputs as [shape, values]] (dtype 0: float32)
      for (const [name, inputs, args, want] of [
        [
          'add',
          [hx, hy],
          [],
          [
            [
              [1, 2, 3],
              [11, 22, 33, 44, 55, 66],
            ],
          ],
        ],
        [
          'transpose',
          [hx],
          [2, 0, 1],
          [
            [
              [3, 1, 2],
              [1, 4, 2, 5, 3, 6],
            ],
          ],
        ],
        [
          'split',
          [hx],
          [2, 1, 2],
          [
            [
              [1, 2, 1],
              [1, 4],
            ],
            [
              [1, 2, 2],
              [2, 3, 5, 6],
            ],
          ],
        ],
      ] as const) {
        const io = b.addon.io();
        io.set([inputs.length, ...inputs, args.length, ...args]);
        const r = b.addon.opAt(kernels.indexOf(name));
        t.is(r[0], want.length, `${name}: output count`);
        let k = 1;
        for (const [i, [shape, values]] of want.entries()) {
          const [handle, dtype, rank] = [r[k]!, r[k + 1]!, r[k + 2]!];
          t.deepEqual(
            [dtype, ...r.subarray(k + 3, k + 3 + rank)],
            [0, ...shape],
            `${name}: output ${i}'s dtype and shape`,
          );
          t.deepEqual(Array.from(b.addon.read(handle)), [...values], `${name}: output ${i}'s values`);
          b.addon.dispose(handle);
          k += 3 + rank;
        }
      }
      tf.dispose([x, y]);
    },
  );

  test.serial(
    'a malformed call in the buffer is an error naming the kernel and leaks nothing; the backend keeps working',
    (t) => {
      const b = view();
      const before = b.addon.stats().tensors;
      const x = tf.tensor1d([1, 2, 3]);
      const add = b.addon.kernels().indexOf('add');
      const io = b.addon.io();
      io.set([1e9]);
      t.throws(() => b.addon.opAt(add), {
        message: 'add: malformed call in io(): a count of 1e+09 at index 0',
      });
      io.set([2, b.handle(x), b.handle(x), -1]);
      t.throws(() => b.addon.opAt(add), { message: 'add: malformed call in io(): a count of -1 at index 3' });
      io.set([1, 987654321, 0]);
      t.throws(() => b.addon.opAt(add), { message: /^add: unknown tensor handle 987654321/ });
      io.set([1, b.handle(x), 0]);
      t.throws(() => b.addon.opAt(add), { message: /^add: / });
      t.throws(() => b.addon.opAt(100000), { message: /no kernel number 100000/ });
      t.throws(() => b.run('no_such_kernel', [x]), {
        message: "the torch addon has no kernel 'no_such_kernel'",
      });
      const y = tf.add(x, x);
      t.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
      tf.dispose([x, y]);
      t.is(b.addon.stats().tensors, before);
    },
  );

  test.serial('a call or results longer than the buffer get a larger one, and the same result', (t) => {
    const b = view();
    // 1100 outputs of rank 1 are 4401 numbers of results: more than the first buffer's 4096.
    const r = tf.range(0, 1100);
    const parts = tf.split(r, 1100);
    t.is(parts.length, 1100);
    t.deepEqual(
      [parts[0]!, parts[777]!, parts[1099]!].map((p) => [p.shape, Array.from(p.dataSync())]),
      [
        [[1], [0]],
        [[1], [777]],
        [[1], [1099]],
      ],
    );
    tf.dispose([r, ...parts]);
    const x = tf.tensor1d([1, 2, 3]);
    // `add` reads no arguments: 5000 of them only make the call longer than the buffer's 4096.
    const [out] = b.run('add', [x, x], new Array<number>(5000).fill(0));
    const y = tf.engine().makeTensorFromTensorInfo(out!);
    t.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
    t.true(b.addon.io().length >= 5002, `the buffer holds ${b.addon.io().length} numbers`);
    t.throws(() => b.addon.io(-1), { message: 'io: a minimum length of 0 to 2^30 numbers' });
    tf.dispose([x, y]);
  });
}
