import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ami, clusterAccuracy, knnAccuracy, selectBackend } from '../twist/index.js';
import { runPythonJsonLines } from './anchor.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

/** Runs bench/eval_anchor.py (scikit-learn, SciPy, PyTorch) on the same sizes; its JSON line. */
async function runEvalAnchor(args: number[]): Promise<Record<string, unknown>> {
  const script = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'bench',
    'eval_anchor.py',
  );
  const { lines } = await runPythonJsonLines(script, args.map(String));
  const last = lines.at(-1);
  if (!last) throw new Error('the eval anchor printed no JSON line');
  return last;
}

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const n = args.int('n', 1281167);
  const k = args.int('k', 1000);
  const [d, ntr, nte] = [512, 60000, 10000];
  const backend = await selectBackend({});
  // The same deterministic labelings as the anchor: 40 % of samples on a permuted true class, the
  // rest spread over the clusters by their position.
  const labels = new Int32Array(n);
  const preds = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    const block = Math.floor(i / k);
    preds[i] = (block * 7 + i) % 10 < 4 ? (labels[i]! * 7) % k : (block * 7919 + i * 13) % k;
  }
  let t = performance.now();
  const a = ami(labels, preds);
  const amiSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const acc = clusterAccuracy(labels, preds);
  const accSeconds = (performance.now() - t) / 1000;
  const ftr = tf.randomNormal([ntr, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const fte = tf.randomNormal([nte, d], 0, 1, 'float32', 2) as tf.Tensor2D;
  const ytr = Int32Array.from({ length: ntr }, (_, i) => (i * 7919) % 10);
  const yte = Int32Array.from({ length: nte }, (_, i) => (i * 104729) % 10);
  t = performance.now();
  knnAccuracy(ftr, ytr, fte, yte, 10, { k: 200 });
  const knnSeconds = (performance.now() - t) / 1000;
  tf.dispose([ftr, fte]);
  const ours = {
    bench: 'eval',
    impl: 'twist-cluster',
    backend: backend.name,
    n,
    k,
    ami: +a.toFixed(6),
    acc: +acc.toFixed(6),
    ami_seconds: +amiSeconds.toFixed(3),
    hungarian_acc_seconds: +accSeconds.toFixed(3),
    knn_seconds: +knnSeconds.toFixed(3),
    knn_size: `${nte}x${ntr}x${d}`,
  };
  emit(ours);
  if (args.has('no-anchor')) return;
  const anchor = await runEvalAnchor([n, k, d, ntr, nte]);
  emit(anchor);
  const ratio = (key: 'ami_seconds' | 'hungarian_acc_seconds' | 'knn_seconds'): number =>
    +(ours[key] / Number(anchor[key])).toFixed(2);
  emit({
    bench: 'eval',
    ratio_ours_over_anchor: {
      ami: ratio('ami_seconds'),
      hungarian_acc: ratio('hungarian_acc_seconds'),
      knn: ratio('knn_seconds'),
    },
    same_ami: Math.abs(a - Number(anchor['ami'])) < 1e-6,
    same_acc: Math.abs(acc - Number(anchor['acc'])) < 1e-6,
  });
}

/**
 * `npm run bench -- eval [--n 1281167] [--k 1000] [--no-anchor]`: seconds for AMI and Hungarian
 * clustering ACC at ImageNet size (N = 1.28 M, K = 1000), and for kNN (k 200) of 10 000 queries over
 * 60 000 features of 512 dimensions; then the same work in scikit-learn / SciPy / PyTorch and the ratios.
 */
export const evalBench: Bench = {
  flags: ['n', 'k', 'no-anchor'],
  run,
};
