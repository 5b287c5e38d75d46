import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDistributed, type RunStep } from '../client/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { startBenchCluster } from './run-cluster.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.floor(s.length / 2)]!) / 2;
};

/**
 * `npm run bench -- scaling [--width 16] [--batch 256] [--steps 8] [--warmup 2] [--rounds 3] [--sync-bn 1|0] [--backend NAME] [--no-anchor]`:
 * images/s of one trainer (one core) against two trainers (one core each) on the same global
 * batch, on a local cluster of two workers; the step time split into compute, blocked in the
 * cross-trainer sums, exposed all-reduce and loader wait; scaling efficiency = ips(2) / (2 · ips(1)).
 * A shared 2-vCPU machine's speed drifts by tens of percent within minutes, so the two are
 * measured in `--rounds` back-to-back pairs (the order alternating) and each round gives its own
 * efficiency; the figure is their median. Each trainer computes on one thread of `--backend`
 * (default: auto, the first of torch, tensorflow, wasm that loads). Then the anchor: the same step
 * in PyTorch, DDP over gloo (`bench/scaling_anchor.py`), measured the same way.
 */
export async function scalingBench(args: Map<string, string>, emit: (o: object) => void): Promise<void> {
  const width = Number(args.get('width') ?? 16);
  const batch = Number(args.get('batch') ?? 256);
  const steps = Number(args.get('steps') ?? 8);
  const warmup = Number(args.get('warmup') ?? 2);
  const rounds = Number(args.get('rounds') ?? 3);
  const syncBatchNorm = (args.get('sync-bn') ?? '1') !== '0';
  const backend = args.get('backend') ?? 'auto';
  const c = await startBenchCluster(2, 1);
  try {
    const efficiencies: number[] = [];
    const ips2: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const ips: Record<number, number> = {};
      for (const trainers of round % 2 === 1 ? [1, 2] : [2, 1]) {
        const recs: RunStep[] = [];
        await runDistributed(c.client, {
          config: { dataPath: FASHION_MNIST_DIR, batchSize: batch, epochs: 1, width, seed: 0 },
          trainers,
          runDir: path.join(c.dir, `run-${round}-${trainers}`),
          maxSteps: steps,
          backend,
          threads: 1,
          evaluate: false,
          syncBatchNorm,
          onStep: (s) => recs.push(s),
        });
        const m = recs.slice(warmup);
        const stepS = mean(m.map((r) => r.computeS + r.allreduceS + r.dataWaitS));
        ips[trainers] = batch / stepS;
        emit({
          bench: 'scaling',
          round,
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
          ms_sync_blocked: Number((1000 * mean(m.map((r) => r.syncS))).toFixed(1)),
          ms_allreduce_exposed: Number((1000 * mean(m.map((r) => r.allreduceS))).toFixed(0)),
          ms_loader_wait: Number((1000 * mean(m.map((r) => r.dataWaitS))).toFixed(0)),
        });
      }
      efficiencies.push(ips[2]! / (2 * ips[1]!));
      ips2.push(ips[2]!);
    }
    const efficiency = median(efficiencies);
    emit({
      bench: 'scaling',
      sync_bn: syncBatchNorm,
      efficiency: Number(efficiency.toFixed(3)),
      rounds: efficiencies.map((e) => Number(e.toFixed(3))),
      images_per_s_2: Number(median(ips2).toFixed(1)),
      target: 0.8,
    });
    if (args.has('no-anchor')) return;
    // The same step in PyTorch (DDP over gloo, SyncBatchNorm for CPU or per-process BN), measured
    // the same way right after: what this machine gives a mature data-parallel stack.
    const script = fileURLToPath(new URL('../../bench/scaling_anchor.py', import.meta.url));
    const out = execFileSync(
      '/usr/bin/python3',
      [
        script,
        String(width),
        String(batch),
        String(steps),
        String(warmup),
        syncBatchNorm ? '1' : '0',
        String(rounds),
      ],
      { encoding: 'utf8', timeout: 1_800_000 },
    );
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines.slice(0, -1)) emit({ anchor: 'pytorch-ddp-gloo', sync_bn: syncBatchNorm, ...l });
    const a = lines[lines.length - 1] as { efficiency: number; rounds: number[] };
    const anchorIps2 = median(
      lines.filter((l) => l['processes'] === 2).map((l) => l['images_per_s'] as number),
    );
    emit({
      anchor: 'pytorch-ddp-gloo',
      sync_bn: syncBatchNorm,
      efficiency: a.efficiency,
      rounds: a.rounds,
      ours_efficiency: Number(efficiency.toFixed(3)),
      efficiency_ratio: Number((efficiency / a.efficiency).toFixed(3)),
      images_per_s_2: anchorIps2,
      ours_images_per_s_2: Number(median(ips2).toFixed(1)),
      images_per_s_2_ratio: Number((median(ips2) / anchorIps2).toFixed(3)),
    });
  } finally {
    await c.close();
  }
}
