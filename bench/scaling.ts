import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runDistributed, STRETCH_STEPS, type ClusterClient, type RunStep } from '../client/index.js';
import { InvalidArgumentError } from '../core/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { parseBackendName } from '../twist/index.js';
import { machineCpu, processCpu, type ProcessCpu } from './process-cpu.js';
import { RankProcess } from './rank-process.js';
import { startBenchCluster } from './run-cluster.js';
import { mean, median } from './stats.js';
import { anchorPython } from './anchor.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

const execFileAsync = promisify(execFile);

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const width = args.int('width', 16);
  const batch = args.int('batch', 256);
  if (batch % 2 !== 0)
    throw new InvalidArgumentError(`scaling: --batch must be even (two trainers share it), got ${batch}`);
  const steps = args.int('steps', 15);
  const warmup = args.int('warmup', STRETCH_STEPS, 0);
  if (!(warmup % STRETCH_STEPS === 0 && steps > warmup))
    throw new InvalidArgumentError(
      `scaling: --warmup must be a multiple of ${STRETCH_STEPS} (the driver's stretch) below --steps, got ${warmup} of ${steps}`,
    );
  const rounds = args.int('rounds', 3);
  const syncBatchNorm = args.choice('sync-bn', ['1', '0'], '1') === '1';
  const backend = parseBackendName(args.str('backend') ?? 'auto', '--backend');
  // Loaders hand batches to their trainers through the workers' tmpfs scratch directories, or
  // (`--handoff 0`) send them over gRPC: the two ways a batch travels, side by side.
  const handoff = args.choice('handoff', ['1', '0'], '1') === '1';
  // Each global batch split equally (the default), or balanced to the trainers' speeds (`--balance 1`).
  const balanceShares = args.choice('balance', ['1', '0'], '0') === '1';
  const c = await startBenchCluster(2, 1, handoff ? {} : { shmDir: '' });
  try {
    const efficiencies: number[] = [];
    const ips2: number[] = [];
    // What data parallelism costs a step in ms, comparable across stacks whose steps differ in
    // speed: the two-trainer step less half the one-trainer step, per round.
    const overheads: number[] = [];
    const ceilings: number[] = [];
    const ringCeilings: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const msPerStep: Record<number, number> = {};
      for (const trainers of round % 2 === 1 ? [1, 2] : [2, 1]) {
        const recs: RunStep[] = [];
        // CPU readings at the end of the warm-up and of the run (the timed steps between them); a
        // reading that fails (the head did not answer) leaves the CPU fields out.
        let first: Promise<CpuReading | undefined> | undefined;
        let last: Promise<CpuReading | undefined> | undefined;
        await runDistributed(c.client, {
          config: { dataPath: FASHION_MNIST_DIR, batchSize: batch, epochs: 1, width, seed: 0 },
          trainers,
          runDir: path.join(c.dir, `run-${round}-${trainers}`),
          maxSteps: steps,
          backend,
          threads: 1,
          evaluate: false,
          syncBatchNorm,
          balanceShares,
          onStep: (s) => {
            recs.push(s);
            if (s.step === warmup) first = readCpu(c.client).catch(() => undefined);
            if (s.step === steps) last = first?.then((f) => (f ? readCpu(c.client, f) : undefined));
          },
        });
        const m = recs.slice(warmup);
        const stepS = mean(m.map((r) => r.wallS));
        const inStepS = mean(m.map((r) => r.computeS + r.allreduceS + r.dataWaitS));
        msPerStep[trainers] = 1000 * stepS;
        const [a, b] = [await first, await last];
        const cpu = a && b ? cpuPerStep(a, b, stepS) : {};
        emit({
          bench: 'scaling',
          round,
          trainers,
          cores: trainers,
          backend,
          width,
          global_batch: batch,
          sync_bn: syncBatchNorm,
          handoff,
          balance: balanceShares,
          steps_measured: m.length,
          images_per_s: Number((batch / stepS).toFixed(1)),
          ms_per_step: Number((1000 * stepS).toFixed(0)),
          ms_compute: Number((1000 * mean(m.map((r) => r.computeS))).toFixed(0)),
          ms_sync_blocked: Number((1000 * mean(m.map((r) => r.syncS))).toFixed(1)),
          ms_allreduce_exposed: Number((1000 * mean(m.map((r) => r.allreduceS))).toFixed(0)),
          ms_loader_wait: Number((1000 * mean(m.map((r) => r.dataWaitS))).toFixed(0)),
          ms_between_steps: Number((1000 * (stepS - inStepS)).toFixed(0)),
          // Rank 0's share of the global batch over the measured steps (balanced shares move it).
          ...(trainers === 2
            ? {
                share_0_min: Math.min(...m.map((r) => r.shares[0]!)),
                share_0_max: Math.max(...m.map((r) => r.shares[0]!)),
              }
            : {}),
          ...cpu,
        });
      }
      const [ms1, ms2] = [msPerStep[1]!, msPerStep[2]!];
      efficiencies.push(ms1 / (2 * ms2));
      ips2.push((1000 * batch) / ms2);
      overheads.push(ms2 - ms1 / 2);
      // The machine's ceiling in the same round: the same step in 1 process on the batch and in 2
      // concurrent processes on half of it, with no cluster, loader or collective.
      const one = await stepProcesses(1, batch, steps, warmup, width, backend);
      const two = await stepProcesses(2, batch / 2, steps, warmup, width, backend);
      ceilings.push(one / (2 * two));
      // The same two processes as a data-parallel pair (a real ring: the sums and the all-reduce,
      // no cluster, no loader): what lockstep itself costs on this machine.
      const pair = await ringPair(batch / 2, steps, warmup, width, backend, syncBatchNorm);
      ringCeilings.push(one / (2 * pair.ms));
      emit({
        bench: 'scaling',
        round,
        ceiling: 'the same step, no cluster: 1 process on the batch, 2 concurrent processes on half each',
        ms_per_step_1: Number(one.toFixed(0)),
        ms_per_step_2: Number(two.toFixed(0)),
        efficiency: Number((one / (2 * two)).toFixed(3)),
        ms_per_step_2_ring: Number(pair.ms.toFixed(0)),
        ms_blocked_2_ring: Number(pair.blocked.toFixed(0)),
        efficiency_ring: Number((one / (2 * pair.ms)).toFixed(3)),
      });
    }
    const efficiency = median(efficiencies);
    const ips = median(ips2);
    const overhead = median(overheads);
    emit({
      bench: 'scaling',
      sync_bn: syncBatchNorm,
      handoff,
      balance: balanceShares,
      efficiency: Number(efficiency.toFixed(3)),
      rounds: efficiencies.map((e) => Number(e.toFixed(3))),
      images_per_s_2: Number(ips.toFixed(1)),
      ms_overhead_2: Number(overhead.toFixed(0)),
      machine_ceiling: Number(median(ceilings).toFixed(3)),
      ring_ceiling: Number(median(ringCeilings).toFixed(3)),
      of_ceiling: Number((efficiency / median(ceilings)).toFixed(3)),
      target: 0.8,
    });
    if (args.has('no-anchor')) return;
    // The same step in PyTorch (DDP over gloo, SyncBatchNorm for CPU or per-process BN), measured
    // the same way right after: what this machine gives a mature data-parallel stack.
    const script = fileURLToPath(new URL('../../bench/scaling_anchor.py', import.meta.url));
    const out = execFileSync(
      anchorPython(),
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
    const a = lines[lines.length - 1] as {
      efficiency: number;
      rounds: number[];
      images_per_s_2: number;
      ms_overhead_2: number;
    };
    emit({
      anchor: 'pytorch-ddp-gloo',
      sync_bn: syncBatchNorm,
      efficiency: a.efficiency,
      rounds: a.rounds,
      ours_efficiency: Number(efficiency.toFixed(3)),
      efficiency_ratio: Number((efficiency / a.efficiency).toFixed(3)),
      images_per_s_2: a.images_per_s_2,
      ours_images_per_s_2: Number(ips.toFixed(1)),
      images_per_s_2_ratio: Number((ips / a.images_per_s_2).toFixed(3)),
      ms_overhead_2: a.ms_overhead_2,
      ours_ms_overhead_2: Number(overhead.toFixed(0)),
      ms_overhead_2_ratio: Number((overhead / a.ms_overhead_2).toFixed(3)),
    });
  } finally {
    await c.close();
  }
}

/** One process of the run (a trainer or a loader) and the CPU time it had used at a reading. */
interface ActorCpu {
  pid: number;
  className: string;
  cpu: ProcessCpu | undefined;
}

/** The CPU time used so far by the run's trainer and loader processes, this process and the machine. */
interface CpuReading {
  atMs: number;
  actors: ActorCpu[];
  self: ProcessCpu | undefined;
  machine: ReturnType<typeof machineCpu>;
}

/** Reads the CPU times of the actors `of` an earlier reading, or of the cluster's live trainers and loaders. */
async function readCpu(client: ClusterClient, of?: CpuReading): Promise<CpuReading> {
  const procs =
    of?.actors ??
    (await client.status()).actors.filter(
      (a) => a.state === 'ALIVE' && (a.className === 'trainer' || a.className === 'loader'),
    );
  return {
    atMs: performance.now(),
    actors: procs.map(({ pid, className }) => ({ pid, className, cpu: processCpu(pid) })),
    self: processCpu(process.pid),
    machine: machineCpu(),
  };
}

/** CPU used between two readings of one process. */
const cpuDelta = (a: ProcessCpu, b: ProcessCpu): ProcessCpu => ({
  main: b.main - a.main,
  threads: b.threads - a.threads,
});

/**
 * Where the CPU went between two readings, in ms per step of `stepS` seconds (the rate between the
 * readings times the step, so they need not fall exactly on step boundaries): each trainer's main
 * thread and its other threads (V8's GC and compiler threads, the collective thread), all loaders,
 * this process (the head, the worker agents and the driver, one process in the benchmark), and the
 * whole machine busy, idle and stolen by the hypervisor. Empty where /proc cannot be read; a process
 * that could not be read at both is left out.
 */
function cpuPerStep(a: CpuReading, b: CpuReading, stepS: number): Record<string, number> {
  const wallS = (b.atMs - a.atMs) / 1000;
  if (!(wallS > 0) || !a.self || !b.self || !a.machine || !b.machine) return {};
  const rate = (s: number): number => Number(((1000 * s * stepS) / wallS).toFixed(1));
  const of = (cls: string): ProcessCpu[] =>
    a.actors.flatMap(({ className, cpu }, i) => {
      const after = b.actors[i]?.cpu;
      return className === cls && cpu && after ? [cpuDelta(cpu, after)] : [];
    });
  const trainers = of('trainer');
  const loaders = of('loader');
  const self = cpuDelta(a.self, b.self);
  return {
    cpu_ms_trainer_main: rate(mean(trainers.map((d) => d.main))),
    cpu_ms_trainer_threads: rate(mean(trainers.map((d) => d.threads))),
    cpu_ms_loaders: rate(loaders.reduce((s, d) => s + d.main + d.threads, 0)),
    cpu_ms_head_workers_driver: rate(self.main + self.threads),
    cpu_ms_machine_busy: rate(b.machine.busy - a.machine.busy),
    cpu_ms_machine_idle: rate(b.machine.idle - a.machine.idle),
    cpu_ms_stolen: rate(b.machine.steal - a.machine.steal),
  };
}

/**
 * Runs `n` concurrent `step-process.js` processes (one compute thread each) on `batch` images;
 * @returns the slowest one's mean ms per step.
 */
async function stepProcesses(
  n: number,
  batch: number,
  steps: number,
  warmup: number,
  width: number,
  backend: string,
): Promise<number> {
  const script = fileURLToPath(new URL('./step-process.js', import.meta.url));
  const args = [script, String(batch), String(steps), String(warmup), String(width), backend];
  const runs = Array.from({ length: n }, async () => {
    const { stdout } = await execFileAsync(process.execPath, args, { encoding: 'utf8' });
    return (JSON.parse(stdout.trim()) as { ms_per_step: number }).ms_per_step;
  });
  return Math.max(...(await Promise.all(runs)));
}

/**
 * Runs two `step-process.js` processes as ranks 0 and 1 of a ring (one compute thread each) on
 * `batch` images each.
 * @returns the slower one's mean ms per step, and its ms blocked in the cross-replica sums.
 */
async function ringPair(
  batch: number,
  steps: number,
  warmup: number,
  width: number,
  backend: string,
  syncBatchNorm: boolean,
): Promise<{ ms: number; blocked: number }> {
  const script = fileURLToPath(new URL('./step-process.js', import.meta.url));
  const args = [batch, steps, warmup, width].map(String);
  const ranks = [0, 1].map(
    (rank) => new RankProcess(script, [...args, backend, 'ring', String(rank), syncBatchNorm ? '1' : '0']),
  );
  // Their steps run long (the reports may take minutes); a rank that exits without its line fails
  // the pair a second later (its last lines may still be on their way).
  const reply = (r: RankProcess, rank: number): Promise<Record<string, unknown>> =>
    Promise.race([
      r.reply(20 * 60_000),
      r.exited
        .then(() => new Promise((resolve) => setTimeout(resolve, 1000)))
        .then(() => {
          throw new Error(`scaling: ring rank ${rank} exited before its report`);
        }),
    ]);
  const addresses = await Promise.all(ranks.map(async (r, rank) => (await reply(r, rank))['address']));
  for (const r of ranks) r.send(addresses);
  const reports = (await Promise.all(ranks.map(reply))) as { ms_per_step: number; ms_blocked: number }[];
  const slow = reports[0]!.ms_per_step >= reports[1]!.ms_per_step ? reports[0]! : reports[1]!;
  return { ms: slow.ms_per_step, blocked: slow.ms_blocked };
}

/**
 * `npm run bench -- scaling [--width 16] [--batch 256] [--steps 15] [--warmup 5] [--rounds 3] [--sync-bn 1|0] [--handoff 1|0] [--balance 1|0] [--backend NAME] [--no-anchor]`:
 * images/s of one trainer (one core) against two trainers (one core each) on the same global
 * batch, on a local cluster of two workers (loaders hand batches to trainers through the workers'
 * tmpfs scratch directories; `--handoff 0`: over gRPC; each step's batch split equally, `--balance
 * 1`: in proportion to the trainers' measured speeds), on the driver's wall clock (the trainers' work between
 * steps included); the step time split into compute, blocked in the cross-trainer sums, exposed
 * all-reduce, loader wait and the rest (between steps, the train calls' round trips), and where the
 * CPU went in those steps (`cpu_ms_*`, from /proc, left out where there is none: a trainer's main
 * thread and its other threads, the loaders, this process with the head and the worker agents, the
 * machine's busy, idle and stolen time); scaling efficiency = ips(2) / (2 · ips(1)), and what data
 * parallelism costs a step in ms, `ms_overhead_2` = ms(2) − ms(1) / 2 (an efficiency flatters a
 * stack whose step is slow; this does not). The driver
 * trains in stretches of {@link STRETCH_STEPS} (5) steps and times each whole, so `--warmup` is a
 * multiple of it.
 * A shared 2-vCPU machine's speed drifts by tens of percent within minutes, so the two are
 * measured in `--rounds` back-to-back pairs (the order alternating) and each round gives its own
 * efficiency; the figure is their median. Each round also measures the machine's ceiling: the
 * same step with no cluster, in one process on the batch against two concurrent processes on half
 * of it, and the same two processes as a data-parallel pair on a real ring (sums and all-reduce,
 * no cluster or loader: what lockstep itself costs here). Each trainer computes on one thread of `--backend`
 * (default: auto, the first of torch, tensorflow, wasm that loads). Then the anchor: the same step
 * in PyTorch, DDP over gloo (`bench/scaling_anchor.py`), measured the same way, with both ratios.
 */
export const scalingBench: Bench = {
  flags: [
    'width',
    'batch',
    'steps',
    'warmup',
    'rounds',
    'sync-bn',
    'handoff',
    'balance',
    'backend',
    'no-anchor',
  ],
  run,
};
