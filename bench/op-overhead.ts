import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendName, selectBackend } from '../twist/index.js';
import { runPythonJsonLines } from './anchor.js';
import { median } from './stats.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

const OPS = ['add', 'mul', 'reshape'] as const;
const SIZES = [4, 4096] as const;

/** One op of a chain: `x` becomes the op of `x` (and `y`). */
function apply(op: (typeof OPS)[number], x: tf.Tensor, y: tf.Tensor, n: number): tf.Tensor {
  if (op === 'add') return tf.add(x, y);
  if (op === 'mul') return tf.mul(x, y);
  return tf.reshape(x, x.rank === 1 ? [n / 2, 2] : [n]);
}

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const ops = args.int('ops', 20000);
  const rounds = args.int('rounds', 5);
  const name = args.str('backend');
  const backend = await selectBackend({
    name: name === undefined ? undefined : parseBackendName(name, '--backend'),
    threads: 1,
  });
  const ours = new Map<string, number>();
  for (const op of OPS) {
    for (const n of SIZES) {
      const y = tf.ones([n]);
      let x = tf.ones([n]);
      const us: number[] = [];
      for (let r = 0; r <= rounds; r++) {
        const t0 = performance.now();
        for (let i = 0; i < ops; i++) {
          const z = apply(op, x, y, n);
          x.dispose();
          x = z;
        }
        x.dataSync();
        if (r > 0) us.push(((performance.now() - t0) * 1000) / ops);
      }
      tf.dispose([x, y]);
      const v = Number(median(us).toFixed(2));
      ours.set(`${op}/${n}`, v);
      emit({
        bench: 'op-overhead',
        impl: 'twist-cluster',
        backend: backend.name,
        detail: backend.detail,
        op,
        elements: n,
        us_per_op: v,
      });
    }
  }
  if (args.has('no-anchor')) return;
  const device = backend.detail.includes('CUDA') ? 'cuda' : 'cpu';
  const anchor = await runPythonJsonLines(
    fileURLToPath(new URL('../../bench/op_overhead_anchor.py', import.meta.url)),
    ['--device', device, '--ops', String(ops), '--rounds', String(rounds)],
  );
  for (const l of anchor.lines) {
    emit(l);
    const mine = ours.get(`${String(l['op'])}/${String(l['elements'])}`);
    if (mine !== undefined)
      emit({
        bench: 'op-overhead',
        op: l['op'],
        elements: l['elements'],
        ratio_us_per_op_ours_over_pytorch: Number((mine / (l['us_per_op'] as number)).toFixed(2)),
      });
  }
}

/**
 * `npm run bench -- op-overhead [--ops 20000] [--rounds 5] [--backend NAME] [--no-anchor]`: what one
 * kernel call costs the host, the floor under a small model's step on a GPU (the work of each op is
 * tiny): microseconds per op of chains of `add`, `mul` and `reshape` on 4 and 4096 float32s, each
 * output the next op's input and disposed after it, on one thread of `--backend` (default auto);
 * median of `--rounds`. Then the same chains in PyTorch (bench/op_overhead_anchor.py) and the ratios.
 */
export const opOverheadBench: Bench = {
  flags: ['ops', 'rounds', 'backend', 'no-anchor'],
  run,
};
