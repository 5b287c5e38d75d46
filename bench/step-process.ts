/**
 * One process of the scaling benchmark's machine ceiling: TWIST training steps on random 28-px
 * views with no cluster and no collective, on one compute thread; prints one JSON line, the mean
 * ms per step after the warm-up.
 * Usage: node step-process.js BATCH STEPS WARMUP WIDTH BACKEND
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildTrainer, LocalTrainConfigSchema, parseBackendName, selectBackend } from '../twist/index.js';
import { mean } from './stats.js';

const [batch, steps, warmup, width] = process.argv.slice(2, 6).map(Number) as [
  number,
  number,
  number,
  number,
];
const backend = process.argv[6] ?? 'auto';
await selectBackend({
  name: backend === 'auto' ? undefined : parseBackendName(backend, 'backend'),
  threads: 1,
});
const cfg = LocalTrainConfigSchema.parse({
  dataPath: '-',
  width,
  batchSize: batch,
  channels: 1,
  imageSize: 28,
});
const { model, step } = buildTrainer(cfg);
const ms: number[] = [];
for (let s = 0; s < steps; s++) {
  const xs = [tf.randomNormal([batch, 28, 28, 1]), tf.randomNormal([batch, 28, 28, 1])] as tf.Tensor4D[];
  const t0 = performance.now();
  step.run(xs, { lr: 0.01, weightDecay: 1e-6 });
  ms.push(performance.now() - t0);
  tf.dispose(xs);
}
model.dispose();
const measured = ms.slice(warmup);
process.stdout.write(`${JSON.stringify({ ms_per_step: mean(measured) })}\n`);
