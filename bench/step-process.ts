/**
 * One process of the scaling benchmark's machine ceiling: TWIST training steps on random 28-px
 * views with no cluster, on one compute thread; prints one JSON line, the mean ms per step after the
 * warm-up. With `ring`, rank RANK of a data-parallel pair instead: it prints its collective address,
 * reads the peers (a JSON array) on stdin, and every step runs as a trainer's does (SyncBatchNorm per
 * SYNC_BN, the global-batch diversity term, the gradient all-reduce), still with no cluster or loader;
 * its line adds the ms a step blocked in the cross-replica sums.
 * Usage: node step-process.js BATCH STEPS WARMUP WIDTH BACKEND [ring RANK SYNC_BN(1|0)]
 */
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { CollectiveThread } from '../collective/index.js';
import { buildTrainer, LocalTrainConfigSchema, parseBackendName, selectBackend } from '../twist/index.js';
import { mean } from './stats.js';

const [batch, steps, warmup, width] = process.argv.slice(2, 6).map(Number) as [
  number,
  number,
  number,
  number,
];
const backend = process.argv[6] ?? 'auto';
const ring = process.argv[7] === 'ring';
const rank = Number(process.argv[8] ?? 0);
const syncBatchNorm = process.argv[9] !== '0';
await selectBackend({
  name: backend === 'auto' ? undefined : parseBackendName(backend, 'backend'),
  threads: 1,
});
const group = ring ? await CollectiveThread.start() : undefined;
if (group) {
  process.stdout.write(`${JSON.stringify({ address: group.address })}\n`);
  const peers = await new Promise<string[]>((resolve) =>
    createInterface({ input: process.stdin }).once('line', (l) => resolve(JSON.parse(l) as string[])),
  );
  await group.join({ groupId: 'ceiling', generation: 1, rank, peers });
}
const cfg = LocalTrainConfigSchema.parse({
  dataPath: '-',
  width,
  batchSize: batch,
  channels: 1,
  imageSize: 28,
});
const { model, step } = buildTrainer(cfg);
const ms: number[] = [];
const blocked: number[] = [];
const hyper = { lr: 0.01, weightDecay: 1e-6 };
for (let s = 0; s < steps; s++) {
  const xs = [tf.randomNormal([batch, 28, 28, 1]), tf.randomNormal([batch, 28, 28, 1])] as tf.Tensor4D[];
  const t0 = performance.now();
  const b0 = group?.blocked.seconds ?? 0;
  if (group) await step.runReduced(xs, hyper, (g) => group.allReduce(g, 'mean'), group, syncBatchNorm);
  else step.run(xs, hyper);
  ms.push(performance.now() - t0);
  blocked.push(1000 * ((group?.blocked.seconds ?? 0) - b0));
  tf.dispose(xs);
}
model.dispose();
await group?.close();
process.stdout.write(
  `${JSON.stringify({ ms_per_step: mean(ms.slice(warmup)), ...(group ? { ms_blocked: mean(blocked.slice(warmup)) } : {}) })}\n`,
);
process.exit(0);
