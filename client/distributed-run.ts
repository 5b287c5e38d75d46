import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  beginCheckpoint,
  DEFAULT_KEEP,
  listStepDirs,
  writeRunMarker,
  type ShardAck,
} from '../checkpoint/index.js';
import {
  ensureDir,
  writeFileAtomic,
  GetTimeoutError,
  InvalidArgumentError,
  parseConfig,
  TwistError,
  type Resources,
} from '../core/index.js';
import {
  checkRunConfig,
  LocalTrainConfigSchema,
  openTrainViews,
  type LocalTrainConfig,
} from '../twist/index.js';
import type { ActorHandle } from './actor-handle.js';
import type { ClusterClient } from './cluster-client.js';

/** A distributed TWIST run: what to train, on how many trainers, where its checkpoints go. */
export interface DistributedRunOptions {
  /** The training config (the local trainer's schema); `batchSize` is the global batch. */
  config: Record<string, unknown> & { dataPath: string; batchSize: number; epochs: number; seed?: number };
  /** Trainers to run with (one bundle each). */
  trainers: number;
  /**
   * Fewest trainers the run may go on with (elastic, default `trainers`: not elastic). When a
   * regroup cannot place `trainers` bundles within `elasticWaitMs` it settles for the most that
   * place (the global batch divided evenly among them); at each checkpoint it grows back when the
   * cluster has room again. The global batch, its samples and their views do not change with the
   * number of trainers.
   */
  minTrainers?: number;
  /** How long a regroup waits for a larger group before trying a smaller one (default 10 s). */
  elasticWaitMs?: number;
  /**
   * BatchNorm statistics over the global batch (SyncBatchNorm, default true): any number of
   * trainers then takes the step one trainer takes on the whole batch. (The diversity term is over
   * the global batch either way.)
   */
  syncBatchNorm?: boolean;
  /**
   * Each step's global batch split in proportion to the trainers' measured speeds: a trainer on a
   * slower core or GPU takes fewer images, so that the others do not wait for it; the update is the
   * global batch's either way. Default false: equal shares (a run then repeats bitwise).
   */
  balanceShares?: boolean;
  /** Checkpoints (shared storage every worker reaches). */
  runDir: string;
  /** Save every N steps (0: only at the end). */
  checkpointEvery?: number;
  keep?: number;
  /** Failures survived before the run fails (default 3). */
  maxFailures?: number;
  /** GPUs per trainer (default 0: CPU trainers). */
  gpusPerTrainer?: number;
  backend?: string;
  /** Compute threads per trainer (default: the CPUs reserved for it, 1). */
  threads?: number;
  /** Stop after this many steps (smoke runs). */
  maxSteps?: number;
  /** Loader actors per trainer (default 1): step g's batch comes from loader g mod L. */
  loadersPerTrainer?: number;
  /** Run the evaluator on the final checkpoint (default true); its train/test subsets. */
  evaluate?: boolean;
  /**
   * Also evaluate the checkpoint committed at or after every N steps, while training goes on
   * (default 0: only the final one). Figures go to the job's progress and history.
   */
  evalEvery?: number;
  evalTrainImages?: number;
  evalTestImages?: number;
  onStep?: (r: RunStep) => void;
  /** The dataset indices each step trained on (every trainer's share, by rank): sample accounting. */
  onSamples?: (step: number, epoch: number, samples: Int32Array) => void;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
}

/**
 * What one trainer reports of one step. The loss terms are the global batch's: KL and EH averaged
 * over the trainers, HE of the global-batch mean (with `syncBatchNorm: false` each trainer's
 * BatchNorm normalised with its own share's statistics).
 */
export interface StepRecord {
  step: number;
  epoch: number;
  loss: number;
  kl: number;
  eh: number;
  he: number;
  lr: number;
  computeS: number;
  allreduceS: number;
  dataWaitS: number;
  /** Of `computeS`: blocked in the cross-trainer sums of SyncBatchNorm and the diversity term. */
  syncS: number;
  /** Self-labeling phase: samples of the global batch kept as confident, and this trainer's threshold. */
  kept?: number;
  threshold?: number;
  /** Dataset indices of this trainer's share of the step's batch. */
  samples: Int32Array;
}

/** What a loader actor tells the driver: the data, and the config with its channels and view sizes filled in. */
export interface LoaderInfo {
  count: number;
  stepsPerEpoch: number;
  channels: 1 | 3;
  /** The config trainers and checkpoints use (the data's channels and view sizes resolved). */
  config: LocalTrainConfig;
  description: string;
}

/**
 * Steps the driver asks the trainers for in one `train` call (fewer up to a checkpoint or the end):
 * progress and step records reach the driver once per stretch, and {@link RunStep.wallS} is timed
 * over it.
 */
export const STRETCH_STEPS = 5;

/** One step as rank 0 saw it, with the run's length and the step's global images per second. */
export interface RunStep extends Omit<StepRecord, 'samples'> {
  totalSteps: number;
  imagesPerS: number;
  /**
   * The step's share of its stretch's wall time on the driver's clock (the `train` call's seconds
   * over its steps): what `computeS + allreduceS + dataWaitS` leaves out, the trainers' work between
   * steps and the call's round trip, included.
   */
  wallS: number;
  /** Each trainer's images of the step's global batch, by rank (balanced to their speeds unless equal). */
  shares: number[];
}

export type RunEvent =
  | {
      kind: 'group-ready';
      generation: number;
      trainers: number;
      seconds: number;
      resumedFrom: number;
      /** Seconds per phase: bundles reserved, actors up, checkpoint loaded, ring formed. */
      phases: { placement: number; actors: number; restore: number; ring: number };
    }
  | { kind: 'checkpoint'; step: number; dir: string; seconds: number }
  /** The cluster has room for more trainers again: the group re-forms larger at this checkpoint. */
  | { kind: 'resize'; step: number; from: number; to: number }
  | { kind: 'failure'; step: number; cause: string; failures: number; atMs: number }
  | { kind: 'evaluated'; step: number; figures: Record<string, number | string> }
  | { kind: 'eval-failed'; step: number; cause: string }
  /** The evaluator cannot measure this run's data (an ImageFolder): the run ends without figures. */
  | { kind: 'eval-skipped'; cause: string };

export interface RunResult {
  steps: number;
  totalSteps: number;
  failures: { step: number; cause: string }[];
  checkpoint: string;
  imagesPerS: number;
  seconds: number;
  evaluation?: Record<string, number | string>;
}

/** The run failed more often than `maxFailures` allows; `causes` lists every failure. */
export class RunFailedError extends TwistError {
  constructor(
    message: string,
    readonly causes: { step: number; cause: string }[],
  ) {
    super('REMOTE_FAILED', message);
  }
}

/**
 * Checks a cluster run's config at the edge, before anything is scheduled: its fields (the local
 * trainer's schema: the same runs train on the cluster as on one process: `barlow` or `multicrop`
 * views, a momentum encoder, a self-labeling phase, ResNets and ViTs, MNIST-format or ImageFolder
 * data), their combinations, and, when this process sees the data, what the data decides (its
 * channels and view sizes: a ViT on 28-px images asks for `--image-size`). Data this process does
 * not see is checked by the loaders.
 * @throws InvalidArgumentError naming the field; DataFileMissingError / DataFileCorruptError for
 * data that is here and unreadable.
 */
export async function checkClusterConfig(config: Record<string, unknown>): Promise<void> {
  const cfg = parseConfig(LocalTrainConfigSchema, config, 'run config');
  checkRunConfig(cfg);
  if (existsSync(cfg.dataPath)) await openTrainViews(cfg);
}

/**
 * Drives a data-parallel TWIST run on the cluster: reserves one bundle per trainer (SPREAD, a GPU
 * each when asked), starts a loader and a trainer in each, forms the ring (broadcasting rank 0's
 * weights), trains in stretches between checkpoints, and commits each checkpoint from the
 * trainers' shards. When an actor or node dies it tears the group down, counts the failure,
 * reschedules on what is alive, rebuilds the ring with a new generation and resumes from the last
 * committed checkpoint. Finally the evaluator measures the last checkpoint.
 * @throws RunFailedError with every cause once failures exceed `maxFailures`.
 */
export async function runDistributed(client: ClusterClient, o: DistributedRunOptions): Promise<RunResult> {
  const n = o.trainers;
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`trainers: expected a whole number ≥ 1, got ${n}`);
  const min = o.minTrainers ?? n;
  if (!Number.isInteger(min) || min < 1 || min > n)
    throw new InvalidArgumentError(`min trainers: expected a whole number in [1, ${n}], got ${min}`);
  if (o.config.batchSize % n !== 0)
    throw new InvalidArgumentError(`batch size ${o.config.batchSize} is not divisible by ${n} trainers`);
  await checkClusterConfig(o.config);
  // Group sizes to try, largest first: those that divide the global batch evenly.
  const sizes = Array.from({ length: n - min + 1 }, (_, i) => n - i).filter(
    (k) => o.config.batchSize % k === 0,
  );
  const maxFailures = o.maxFailures ?? 3;
  const every = o.checkpointEvery ?? 0;
  const perTrainer = o.loadersPerTrainer ?? 1;
  if (!Number.isInteger(perTrainer) || perTrainer < 1 || perTrainer > 16)
    throw new InvalidArgumentError(
      `loaders per trainer: expected a whole number in [1, 16], got ${perTrainer}`,
    );
  await ensureDir(o.runDir);
  // The trainers check that they see this marker: the run directory must be shared storage.
  const runMarker = await writeRunMarker(o.runDir);
  await writeFileAtomic(
    path.join(o.runDir, 'run-config.json'),
    `${JSON.stringify(
      {
        config: o.config,
        trainers: n,
        minTrainers: min,
        loadersPerTrainer: perTrainer,
        checkpointEvery: every,
        maxFailures,
        syncBatchNorm: o.syncBatchNorm ?? true,
        balanceShares: o.balanceShares ?? false,
        backend: o.backend ?? 'auto',
        job: client.jobId,
      },
      null,
      1,
    )}\n`,
  );
  const evaluator = new RunEvaluator(client, o);
  let nextEval = o.evalEvery ? o.evalEvery : Infinity;
  /** Why the evaluator cannot measure this run's data (ImageFolder), once the loaders said what it is. */
  let evalSkipped = '';
  const failures: { step: number; cause: string }[] = [];
  const t0 = performance.now();
  let trainedImages = 0;
  let trainSeconds = 0;
  let lastDir = '';
  let totalSteps = 0;
  const bundle = { CPU: 1, ...(o.gpusPerTrainer ? { GPU: o.gpusPerTrainer } : {}) };
  for (let generation = 1; ; generation++) {
    const actors: ActorHandle[] = [];
    let pg = '';
    let step = 0;
    let resizeTo = 0;
    try {
      const tg = performance.now();
      let k = 0;
      for (const size of sizes) {
        pg = await client.createPlacementGroup(
          Array.from({ length: size }, () => bundle),
          'SPREAD',
          `twist-run-g${generation}`,
        );
        const last = size === sizes[sizes.length - 1];
        try {
          await client.placementGroup(pg, last ? 120_000 : (o.elasticWaitMs ?? 10_000));
          k = size;
          break;
        } catch (err) {
          await client.removePlacementGroup(pg).catch(() => undefined);
          pg = '';
          if (last || !(err instanceof GetTimeoutError)) throw err;
        }
      }
      const tPlaced = performance.now();
      const loaders = await Promise.all(
        Array.from({ length: k * perTrainer }, (_, i) => {
          const [rank, j] = [Math.floor(i / perTrainer), i % perTrainer];
          return client.createActor(
            'loader',
            { config: o.config, rank, worldSize: k },
            {
              placementGroup: pg,
              bundleIndex: rank,
              name: j === 0 ? `loader-${rank}-g${generation}` : `loader-${rank}.${j}-g${generation}`,
            },
          );
        }),
      );
      actors.push(...loaders);
      await Promise.all(loaders.map((l) => l.ready(120_000)));
      const info = await loaders[0]!.call<LoaderInfo>('info');
      if (info.channels !== 1 && (o.evaluate ?? true) && !evalSkipped) {
        evalSkipped = `${info.description}: the evaluator measures MNIST-format held-out splits (train and t10k); evaluate ImageFolder runs with a linear probe elsewhere`;
        o.onEvent?.({ kind: 'eval-skipped', cause: evalSkipped });
      }
      totalSteps = Math.min(o.config.epochs * info.stepsPerEpoch, o.maxSteps ?? Infinity);
      const trainers = await Promise.all(
        Array.from({ length: k }, (_, rank) =>
          client.createActor(
            'trainer',
            {
              config: info.config,
              rank,
              worldSize: k,
              groupId: `run-${client.jobId || 'driver'}`,
              loaderIds: loaders.slice(rank * perTrainer, (rank + 1) * perTrainer).map((l) => l.id),
              runDir: path.resolve(o.runDir),
              runMarker,
              stepsPerEpoch: info.stepsPerEpoch,
              backend: o.backend ?? 'auto',
              syncBatchNorm: o.syncBatchNorm ?? true,
              balanceShares: o.balanceShares ?? false,
              // compute threads (wasm's pool, ATen's intra-op pool): the CPUs its bundle reserved,
              // so trainers sharing a machine do not oversubscribe it
              threads: o.threads ?? bundle.CPU,
            },
            {
              placementGroup: pg,
              bundleIndex: rank,
              resources: bundle,
              name: `trainer-${rank}-g${generation}`,
            },
          ),
        ),
      );
      actors.push(...trainers);
      await Promise.all(trainers.map((t) => t.ready(300_000)));
      const tActors = performance.now();
      const resumable = (await listStepDirs(o.runDir)).length > 0;
      if (resumable)
        await Promise.all(
          trainers.map((t) => t.call('restore', { checkpoint: o.runDir }, { timeoutMs: 300_000 })),
        );
      const tRestored = performance.now();
      const peers = await Promise.all(trainers.map((t) => t.call<string>('endpoint')));
      await Promise.all(trainers.map((t) => t.call('join', { peers, generation }, { timeoutMs: 120_000 })));
      step = (await trainers[0]!.call<{ step: number }>('position')).step;
      if (generation > 1)
        void client
          .reportRunMetrics({
            recovery_reschedule_s: (tActors - tg) / 1000,
            recovery_restore_s: (tRestored - tActors) / 1000,
            recovery_ring_s: (performance.now() - tRestored) / 1000,
            run_failures: failures.length,
            run_trainers: k,
          })
          .catch(() => undefined);
      o.onEvent?.({
        kind: 'group-ready',
        generation,
        trainers: k,
        seconds: (performance.now() - tg) / 1000,
        resumedFrom: step,
        phases: {
          placement: (tPlaced - tg) / 1000,
          actors: (tActors - tPlaced) / 1000,
          restore: (tRestored - tActors) / 1000,
          ring: (performance.now() - tRestored) / 1000,
        },
      });
      while (step < totalSteps) {
        if (o.signal?.aborted) break;
        // Stretches of at most STRETCH_STEPS (progress reaches the driver), checkpoints on the boundaries.
        const nextCheckpoint = every > 0 ? (Math.floor(step / every) + 1) * every : totalSteps;
        const until = Math.min(totalSteps, nextCheckpoint, step + STRETCH_STEPS);
        const ts = performance.now();
        const records = await Promise.all(
          trainers.map((t) => t.call<StepRecord[]>('train', { until }, { timeoutMs: 24 * 3600_000 })),
        );
        const secs = (performance.now() - ts) / 1000;
        trainSeconds += secs;
        trainedImages += (until - step) * o.config.batchSize;
        records[0]!.forEach(({ samples: _, ...r }, i) => {
          const imagesPerS = o.config.batchSize / Math.max(1e-9, r.computeS + r.allreduceS + r.dataWaitS);
          const shares = records.map((rank) => rank[i]!.samples.length);
          o.onStep?.({ ...r, totalSteps, imagesPerS, wallS: secs / records[0]!.length, shares });
          if (o.onSamples) {
            const all = new Int32Array(o.config.batchSize);
            let at = 0;
            for (const rank of records) {
              all.set(rank[i]!.samples, at);
              at += rank[i]!.samples.length;
            }
            o.onSamples(r.step, r.epoch, all);
          }
        });
        step = until;
        void client
          .reportRunMetrics({
            run_step: step,
            run_total_steps: totalSteps,
            run_epoch: Math.floor(step / info.stepsPerEpoch),
            run_failures: failures.length,
            run_steps_per_s: records[0]!.length / Math.max(1e-9, secs),
            run_images_per_s: (records[0]!.length * o.config.batchSize) / Math.max(1e-9, secs),
          })
          .catch(() => undefined);
        if ((every > 0 && step % every === 0) || step >= totalSteps) {
          const tc = performance.now();
          lastDir = await checkpoint(trainers, o, step);
          o.onEvent?.({ kind: 'checkpoint', step, dir: lastDir, seconds: (performance.now() - tc) / 1000 });
          if (step >= nextEval && step < totalSteps) {
            if (!evalSkipped) void evaluator.queue(lastDir, step);
            nextEval = (Math.floor(step / o.evalEvery!) + 1) * o.evalEvery!;
          }
          if (k < n && step < totalSteps) {
            const larger = await largerGroup(client, bundle, k, sizes);
            if (larger > k) {
              resizeTo = larger;
              o.onEvent?.({ kind: 'resize', step, from: k, to: resizeTo });
              break;
            }
          }
        }
      }
      if (!resizeTo) break;
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      failures.push({ step, cause });
      o.onEvent?.({ kind: 'failure', step, cause, failures: failures.length, atMs: Date.now() });
      if (failures.length > maxFailures)
        throw new RunFailedError(
          `the run failed ${failures.length} times (more than --max-failures ${maxFailures}): ${failures
            .map((f, i) => `${i + 1}. at step ${f.step}: ${f.cause}`)
            .join('; ')}`,
          failures,
        );
    } finally {
      if (pg) await client.removePlacementGroup(pg).catch(() => undefined);
      for (const a of actors) a.close();
    }
  }
  let evaluation: Record<string, number | string> | undefined;
  try {
    if ((o.evaluate ?? true) && !evalSkipped && lastDir && existsSync(lastDir))
      evaluation = await evaluator.queue(lastDir, totalSteps, true);
  } finally {
    await evaluator.close();
  }
  return {
    steps: totalSteps,
    totalSteps,
    failures,
    checkpoint: lastDir,
    imagesPerS: trainedImages / Math.max(1e-9, trainSeconds),
    seconds: (performance.now() - t0) / 1000,
    ...(evaluation ? { evaluation } : {}),
  };
}

/** A sharded checkpoint: every trainer writes its range into one staging dir, rank 0 commits. */
async function checkpoint(trainers: ActorHandle[], o: DistributedRunOptions, step: number): Promise<string> {
  const staging = await beginCheckpoint(o.runDir, step);
  const acks = await Promise.all(
    trainers.map((t) =>
      t.call<ShardAck>('writeShard', { staging, n: trainers.length }, { timeoutMs: 600_000 }),
    ),
  );
  const { dir } = await trainers[0]!.call<{ dir: string }>(
    'commit',
    { root: o.runDir, staging, acks, keep: o.keep ?? DEFAULT_KEEP },
    { timeoutMs: 600_000 },
  );
  return path.resolve(dir);
}

/**
 * The largest group size in `sizes` above `k` whose extra bundles the head can place now (asked by
 * reserving them as a probe group that is removed at once: the head's own scheduler decides), or
 * `k` when none can.
 */
async function largerGroup(
  client: ClusterClient,
  bundle: Resources,
  k: number,
  sizes: readonly number[],
): Promise<number> {
  for (const size of sizes) {
    if (size <= k) break;
    const probe = await client.createPlacementGroup(
      Array.from({ length: size - k }, () => bundle),
      'SPREAD',
      'twist-run-probe',
    );
    try {
      await client.placementGroup(probe, 500);
      return size;
    } catch (err) {
      if (!(err instanceof GetTimeoutError)) throw err;
    } finally {
      await client.removePlacementGroup(probe).catch(() => undefined);
    }
  }
  return k;
}

/**
 * The run's evaluator actor, made on first use: evaluations run one after another while training
 * goes on; each one's figures become an `evaluated` event and the job's `eval_*` progress.
 */
class RunEvaluator {
  private actor: ActorHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: ClusterClient,
    private readonly o: DistributedRunOptions,
  ) {}

  /**
   * Evaluates the checkpoint in `dir` after those queued before it. A failed intermediate
   * evaluation is an `eval-failed` event, not a failure of the run; a failed final one throws.
   * @returns its figures (undefined when an intermediate one failed).
   */
  queue(dir: string, step: number, final = false): Promise<Record<string, number | string> | undefined> {
    const run = this.chain.then(async () => {
      try {
        const figures = await (
          await this.handle()
        ).call<Record<string, number | string>>('evaluate', { checkpoint: dir }, { timeoutMs: 3600_000 });
        this.o.onEvent?.({ kind: 'evaluated', step, figures });
        const num = (k: string): number => Number(figures[k]);
        await this.client
          .reportRunMetrics({
            eval_step: step,
            eval_knn: num('knn'),
            eval_nmi: num('nmi'),
            eval_acc: num('acc'),
          })
          .catch(() => undefined);
        return figures;
      } catch (err) {
        this.o.onEvent?.({
          kind: 'eval-failed',
          step,
          cause: err instanceof Error ? err.message : String(err),
        });
        if (final) throw err;
        return undefined;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued evaluations, then ends the actor. */
  async close(): Promise<void> {
    await this.chain;
    if (!this.actor) return;
    await this.actor.kill().catch(() => undefined);
    this.actor.close();
  }

  private async handle(): Promise<ActorHandle> {
    if (!this.actor) {
      const o = this.o;
      this.actor = await this.client.createActor('evaluator', {
        dataPath: o.config.dataPath,
        backend: o.backend ?? 'auto',
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.evalTrainImages ? { trainImages: o.evalTrainImages } : {}),
        ...(o.evalTestImages ? { testImages: o.evalTestImages } : {}),
      });
      await this.actor.ready(300_000);
    }
    return this.actor;
  }
}
