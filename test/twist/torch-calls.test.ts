import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

/** The parts of the torch backend and its addon these tests reach (structural: no deep import). */
interface TorchBackendView {
  addon: {
    kernels(): string[];
    op(name: string, handles: number[], args: number[]): number[];
    io(): Float64Array;
    opAt(index: number): void;
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
    'a kernel called through the call buffer gives what the array call gives, outputs and shapes',
    (t) => {
      const b = view();
      const x = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
      const y = tf.tensor3d([10, 20, 30, 40, 50, 60], [1, 2, 3]);
      const hx = b.handle(x);
      const hy = b.handle(y);
      const kernels = b.addon.kernels();
      for (const [name, inputs, args] of [
        ['add', [hx, hy], []],
        ['transpose', [hx], [2, 0, 1]],
        ['split', [hx], [2, 1, 2]],
      ] as const) {
        const viaArrays = b.addon.op(name, [...inputs], [...args]);
        const io = b.addon.io();
        io.set([inputs.length, ...inputs, args.length, ...args]);
        b.addon.opAt(kernels.indexOf(name));
        const viaIo = Array.from(io.subarray(0, viaArrays.length));
        t.is(viaIo[0], viaArrays[0], `${name}: output count`);
        // Same layout: (handle, dtype, rank, ...dims) per output; the handles differ, the values do not.
        let k = 1;
        for (let i = 0; i < viaArrays[0]!; i++) {
          const rank = viaArrays[k + 2]!;
          t.deepEqual(
            viaIo.slice(k + 1, k + 3 + rank),
            viaArrays.slice(k + 1, k + 3 + rank),
            `${name}: output ${i}`,
          );
          t.deepEqual(b.addon.read(viaIo[k]!), b.addon.read(viaArrays[k]!), `${name}: output ${i}'s values`);
          b.addon.dispose(viaIo[k]!);
          b.addon.dispose(viaArrays[k]!);
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
      const y = tf.add(x, x);
      t.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
      tf.dispose([x, y]);
      t.is(b.addon.stats().tensors, before);
    },
  );

  test.serial('a call too long for the buffer takes the array path and gives the same result', (t) => {
    const b = view();
    const x = tf.tensor1d([1, 2, 3]);
    // `add` reads no arguments: 5000 of them only make the call longer than the buffer's 4096.
    const [out] = b.run('add', [x, x], new Array<number>(5000).fill(0));
    const y = tf.engine().makeTensorFromTensorInfo(out!);
    t.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
    tf.dispose([x, y]);
  });
}
