import path from 'node:path';
import { runDistributed, type RunStep } from '../client/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { startBenchCluster } from './run-cluster.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * `npm run bench -- scaling [--width 16] [--batch 256] [--steps 8] [--warmup 2] [--sync-bn 1|0] [--backend NAME]`: images/s of one
 * trainer (one core) against two trainers (one core each) on the same global batch, on a local
 * cluster of two workers; the step time split into compute, exposed all-reduce and loader wait;
 * scaling efficiency = ips(2) / (2 · ips(1)). Each trainer computes on one thread of `--backend`
 * (default: auto, the first of torch, tensorflow, wasm that loads).
 */
export async function scalingBench(args: Map<string, string>, emit: (o: object) => void): Promise<void> {
  const width = Number(args.get('width') ?? 16);
  const batch = Number(args.get('batch') ?? 256);
  const steps = Number(args.get('steps') ?? 8);
  const warmup = Number(args.get('warmup') ?? 2);
  const syncBatchNorm = (args.get('sync-bn') ?? '1') !== '0';
  const backend = args.get('backend') ?? 'auto';
  const c = await startBenchCluster(2, 1);
  try {
    const results: Record<number, number> = {};
    for (const trainers of [1, 2]) {
      const recs: RunStep[] = [];
      await runDistributed(c.client, {
        config: { dataPath: FASHION_MNIST_DIR, batchSize: batch, epochs: 1, width, seed: 0 },
        trainers,
        runDir: path.join(c.dir, `run-${trainers}`),
        maxSteps: steps,
        backend,
        threads: 1,
        evaluate: false,
        syncBatchNorm,
        onStep: (s) => recs.push(s),
      });
      const m = recs.slice(warmup);
      const stepS = mean(m.map((r) => r.computeS + r.allreduceS + r.dataWaitS));
      results[trainers] = batch / stepS;
      emit({
        bench: 'scaling',
        trainers,
        cores: trainers,
        backend,
        width,
        global_batch: batch,
        sync_bn: syncBatchNorm,
        steps_measured: m.length,
        images_per_s: Number((batch / stepS).toFixed(1)),
        ms_per_step: Number((1000 * stepS).toFixed(0)),
        ms_compute: Number((1000 * mean(m.map((r) => r.computeS))).toFixed(0)),
        ms_sync_bn_blocked: Number((1000 * mean(m.map((r) => r.syncS))).toFixed(1)),
        ms_allreduce_exposed: Number((1000 * mean(m.map((r) => r.allreduceS))).toFixed(0)),
        ms_loader_wait: Number((1000 * mean(m.map((r) => r.dataWaitS))).toFixed(0)),
      });
    }
    emit({
      bench: 'scaling',
      efficiency: Number((results[2]! / (2 * results[1]!)).toFixed(3)),
      target: 0.8,
    });
  } finally {
    await c.close();
  }
}
