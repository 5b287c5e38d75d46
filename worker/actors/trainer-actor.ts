import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  checkRunMarker,
  commitCheckpoint,
  planLayout,
  rangeViews,
  resolveCheckpoint,
  splitRanges,
  writeShard,
  type FlatLayout,
  type ShardAck,
} from '../../checkpoint/index.js';
import { ClusterClient, type ActorHandle, type StepRecord } from '../../client/index.js';
import { BucketLayout, CollectiveThread } from '../../collective/index.js';
import { InvalidArgumentError, parseConfig, Random, type StateTensor } from '../../core/index.js';
import {
  BatchShares,
  buildTrainer,
  captureTrainState,
  hyperAt,
  LocalTrainConfigSchema,
  parseBackendName,
  restoreTrainState,
  runSchedule,
  selectBackend,
  sumSquares,
  type ParamStore,
  type TrainParts,
} from '../../twist/index.js';
import { defineActor } from './actor-class.js';
import { dropBatch, takeBatch, type LoaderBatchRequest, type LoaderReply } from './loader-actor.js';

/** What a trainer is built with. */
export const TrainerArgsSchema = z.object({
  /**
   * The run's training config (the local trainer's schema; `batchSize` is the global batch), with
   * the data's channels and view sizes filled in (the loaders' `info`).
   */
  config: z.record(z.string(), z.unknown()),
  rank: z.number().int().min(0),
  worldSize: z.number().int().min(1),
  groupId: z.string().min(1),
  /** This trainer's loaders: step g's batch comes from loader g mod L. */
  loaderIds: z.array(z.string().min(1)).min(1),
  /**
   * The run directory (shared storage) and the marker the driver wrote in it: a trainer that does
   * not find it there refuses to start (its node does not see the driver's storage).
   */
  runDir: z.string().min(1),
  runMarker: z.string().min(1),
  stepsPerEpoch: z.number().int().min(1),
  backend: z.string().default('auto'),
  threads: z.number().int().min(1).optional(),
  /** Batches requested ahead of the step that needs them (bounded prefetch). */
  prefetch: z.number().int().min(1).max(16).default(2),
  /**
   * BatchNorm statistics over the global batch (SyncBatchNorm, as the seed): W trainers then take
   * the step one trainer takes on the whole batch. Default true; false normalises over each
   * trainer's own share (PyTorch's plain BN under DDP), with ~50 fewer round trips a step. The
   * diversity term is over the global batch either way.
   */
  syncBatchNorm: z.boolean().default(true),
  /**
   * Shares of each global batch balanced to the trainers' measured speeds (`BatchShares`): a
   * trainer on a slower core or GPU takes fewer images, so that the others do not wait for it at
   * the step's meetings; the update is the global batch's either way (the loss weights each share).
   * Default false: equal shares, N/W each (a run then repeats bitwise).
   */
  balanceShares: z.boolean().default(false),
});
export type TrainerArgs = z.input<typeof TrainerArgsSchema>;

/**
 * A trainer actor: one model replica. Its collectives run on a thread of their own (ring with the
 * other trainers: SyncBatchNorm's and the diversity term's sums inside forward and backward, the
 * bucketed gradient all-reduce, the weights' broadcast); it pulls its share of each global batch
 * from its loader actor with a few batches in flight, averages gradients and steps the optimizer:
 * every replica applies the same update and stays bitwise equal. Checkpoints are sharded: each trainer
 * writes its byte range of the (identical) state, rank 0 commits the manifest.
 */
export const TrainerActor = defineActor({
  name: 'trainer',
  methods: ['endpoint', 'join', 'restore', 'train', 'writeShard', 'commit', 'checksum', 'position'],
  create: async (raw, ctx) => {
    const a = parseConfig(TrainerArgsSchema, raw, 'trainer');
    const cfg = parseConfig(LocalTrainConfigSchema, a.config, 'trainer config');
    if (cfg.batchSize % a.worldSize !== 0)
      throw new InvalidArgumentError(
        `batch size ${cfg.batchSize} is not divisible by ${a.worldSize} trainers`,
      );
    const backend = await selectBackend({ name: parseBackendName(a.backend, 'backend'), threads: a.threads });
    const { model, optimizer, step } = buildTrainer(cfg);
    await checkRunMarker(a.runDir, a.runMarker, `node ${ctx.nodeId}`);
    const parts: TrainParts = {
      store: model.store,
      flat: step.flat,
      optimizer,
      rng: new Random(cfg.seed + 1),
      samplerSeed: cfg.seed,
      ...(step.teacher && step.teacherFlat
        ? { teacher: { store: step.teacher.store, flat: step.teacherFlat } }
        : {}),
    };
    const stores = [model.store, ...(step.teacher ? [step.teacher.store] : [])];
    const layout = new BucketLayout(step.flat.segments);
    const group = await CollectiveThread.start({
      host: ctx.cluster.host,
      token: ctx.cluster.token,
      tls: ctx.cluster.tls,
    });
    const client = await ClusterClient.connect({
      head: ctx.cluster.head,
      token: ctx.cluster.token,
      tls: ctx.cluster.tls,
      job: false,
    });
    const loaders: ActorHandle[] = a.loaderIds.map((id) => client.actor(id));
    let joined = false;
    let done = 0;
    let lastLayout: FlatLayout | undefined;
    const totalSteps = cfg.epochs * a.stepsPerEpoch;
    const schedule = runSchedule(cfg, a.stepsPerEpoch);
    const labels = { backend: backend.name };
    const m = ctx.metrics;
    const stepSeconds = m.histogram('twist_trainer_step_seconds', 'Wall time of one training step.', [
      'backend',
    ]);
    const phaseSeconds = m.counter(
      'twist_trainer_phase_seconds_total',
      'Step time by phase (compute, sync_bn: blocked in SyncBatchNorm sums, allreduce, data_wait).',
      ['phase'],
    );
    const lossGauge = m.gauge(
      'twist_trainer_loss',
      "The last step's loss and its TWIST terms (rank-local).",
      ['term'],
    );
    const lrGauge = m.gauge('twist_trainer_lr', 'Learning rate of the last step.');
    const ips = m.gauge('twist_trainer_images_per_second', 'Global images per second over the last step.', [
      'backend',
    ]);
    const steps = m.counter('twist_trainer_steps_total', 'Optimizer steps applied.');
    const ckSave = m.histogram(
      'twist_checkpoint_save_seconds',
      "Writing this trainer's shard of a checkpoint.",
      [],
      [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    );
    const ckBytes = m.counter('twist_checkpoint_written_bytes_total', 'Checkpoint bytes this trainer wrote.');
    const ckLoad = m.histogram(
      'twist_checkpoint_load_seconds',
      'Loading (and verifying) a checkpoint.',
      [],
      [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    );
    const arBytes = m.counter(
      'twist_trainer_allreduce_bytes_total',
      'Gradient bytes all-reduced by this trainer.',
    );
    const busbw = m.gauge(
      'twist_trainer_allreduce_busbw_bytes_per_second',
      "The last step's all-reduce bus bandwidth: bytes · 2(n−1)/n / seconds (nccl-tests' busbw).",
    );
    const weightNorm = m.gauge('twist_trainer_weight_norm', 'L2 norm of all parameters after the last step.');
    const queueDepth = m.gauge(
      'twist_loader_queue_depth',
      'Batches this trainer has requested from its loader and not yet used (the bounded prefetch).',
    );
    const stall = m.counter(
      'twist_checkpoint_stall_seconds_total',
      "Training time spent waiting for this trainer's checkpoint shard writes.",
    );
    const shareGauge = m.gauge(
      'twist_trainer_batch_share',
      "This trainer's images of the last step's global batch (N/W, or balanced to the trainers' speeds).",
    );
    const selfLabelAt = (g: number): boolean => hyperAt(cfg, schedule, g).quantile !== undefined;
    // Requests go out `prefetch` steps ahead: a measurement fixes the shares from then on.
    const shares = new BatchShares(cfg.batchSize, a.worldSize, { lag: a.prefetch, equalAt: selfLabelAt });
    const balance = a.balanceShares && a.worldSize > 1;
    const position = (g: number): { epoch: number; stepInEpoch: number } => ({
      epoch: Math.floor(g / a.stepsPerEpoch),
      stepInEpoch: g % a.stepsPerEpoch,
    });
    const fetch = (g: number): Promise<LoaderReply> => {
      const req: LoaderBatchRequest = {
        ...position(g),
        ...shares.slice(g, a.rank),
        selfLabel: selfLabelAt(g),
        // A loader on this host writes the batch into this process's scratch directory.
        ...(ctx.scratchDir ? { handoffDir: ctx.scratchDir } : {}),
      };
      return loaders[g % loaders.length]!.call<LoaderReply>('batch', req, { timeoutMs: 600_000 });
    };
    // Batches requested ahead of their step, by global step; kept across `train` calls, emptied when
    // the ring or the position changes (a loader may have been replaced). A failed request is
    // dropped, so the step that needs it asks again.
    const ahead = new Map<number, Promise<LoaderReply>>();
    // Dropping batches fetched ahead deletes their handoff files (the scratch directory is removed
    // only when this process ends).
    const dropAhead = (): void => {
      for (const p of ahead.values())
        p.then(
          (r) => dropBatch(r, ctx.scratchDir),
          () => undefined,
        );
      ahead.clear();
    };
    const want = (g: number): Promise<LoaderReply> => {
      const asked = ahead.get(g);
      if (asked) return asked;
      const p = fetch(g);
      p.catch(() => {
        if (ahead.get(g) === p) ahead.delete(g);
      });
      ahead.set(g, p);
      return p;
    };
    const state = (): StateTensor[] =>
      captureTrainState(parts, { step: done, ...position(done) }, cfg.batchSize).tensors;
    ctx.log.info(
      {
        rank: a.rank,
        world: a.worldSize,
        backend: backend.name,
        backend_detail: backend.detail,
        params: step.flat.size,
      },
      'trainer ready',
    );
    return {
      endpoint: () => group.address,
      position: () => ({ step: done, ...position(done) }),
      /** Forms the ring (a new generation after a failure) and makes every replica equal rank 0's. */
      join: async (req: unknown) => {
        const { peers, generation } = req as { peers: string[]; generation: number };
        joined = false;
        dropAhead();
        shares.reset();
        await group.join({ groupId: a.groupId, generation, rank: a.rank, peers, layoutHash: layout.hash });
        ctx.log.info({ rank: a.rank, generation, data_plane: group.dataPlane }, 'joined the ring');
        await group.broadcast(step.flat.values, 0);
        step.flat.upload();
        if (step.teacherFlat) {
          await group.broadcast(step.teacherFlat.values, 0);
          step.teacherFlat.upload();
        }
        joined = true;
        return { step: done };
      },
      /** Loads a committed checkpoint (any world size it was written at). */
      restore: async (req: unknown) => {
        const { checkpoint } = req as { checkpoint: string };
        const t0 = performance.now();
        const r = await resolveCheckpoint(checkpoint);
        restoreTrainState(parts, r.state);
        ckLoad.observe((performance.now() - t0) / 1000);
        done = r.checkpoint.manifest.step;
        dropAhead();
        shares.reset();
        return { step: done, dir: r.checkpoint.dir };
      },
      /** Trains global steps [done, until): returns each step's record. */
      train: async (req: unknown): Promise<StepRecord[]> => {
        const { until } = req as { until: number };
        if (!joined) throw new InvalidArgumentError('trainer: join the ring before training');
        const end = Math.min(until, totalSteps);
        const out: StepRecord[] = [];
        while (done < end) {
          const ts = performance.now();
          // Past this call's last step too: the next call's first batch is then ready when it comes.
          for (let k = done; k < Math.min(totalSteps, done + a.prefetch); k++) void want(k);
          // Let the requests go out before the step computes: its forward and backward hold the
          // event loop, and a request still queued would reach the loader only when the step ends.
          await new Promise((resolve) => setImmediate(resolve));
          const reply = await want(done);
          ahead.delete(done);
          const b = takeBatch(reply, ctx.scratchDir);
          const tw = performance.now();
          const { count } = shares.slice(done, a.rank);
          if (b.views.some((v) => v.shape[0] !== count))
            throw new InvalidArgumentError(
              `trainer: the loader sent views of ${b.views.map((v) => v.shape[0]).join(', ')} images; expected ${count}`,
            );
          const xs = b.views.map((v) => tf.tensor4d(v.data, v.shape));
          const hyper = hyperAt(cfg, schedule, done);
          const { lr } = hyper;
          const blocked0 = group.blocked.seconds;
          let r;
          try {
            r = await step.runReduced(
              xs,
              hyper,
              (g) => group.allReduce(g, 'mean', layout),
              group,
              a.syncBatchNorm,
            );
          } finally {
            tf.dispose(xs);
          }
          if (!Number.isFinite(r.loss))
            throw new InvalidArgumentError(`loss became ${r.loss} at step ${done}; lower the learning rate`);
          const rec: StepRecord = {
            step: done + 1,
            epoch: b.epoch,
            loss: r.loss,
            kl: r.kl,
            eh: r.eh,
            he: r.he,
            lr,
            computeS: r.computeS,
            allreduceS: r.reduceS,
            dataWaitS: (tw - ts) / 1000,
            syncS: group.blocked.seconds - blocked0,
            samples: b.indices,
            ...(r.kept !== undefined ? { kept: r.kept, threshold: r.threshold! } : {}),
          };
          if (balance) {
            // Every trainer's busy time (its step less its waits for the others), the same on all.
            const busy = group.gather(Float32Array.of(r.computeS - rec.syncS));
            shares.observe(
              done,
              busy.map((t) => t[0]!),
            );
          }
          shareGauge.set(count);
          done++;
          out.push(rec);
          const secs = (performance.now() - ts) / 1000;
          stepSeconds.observe(labels, secs);
          phaseSeconds.inc({ phase: 'compute' }, r.computeS - rec.syncS);
          phaseSeconds.inc({ phase: 'allreduce' }, r.reduceS);
          phaseSeconds.inc({ phase: 'sync_bn' }, rec.syncS);
          phaseSeconds.inc({ phase: 'data_wait' }, rec.dataWaitS);
          for (const term of ['loss', 'kl', 'eh', 'he'] as const) lossGauge.set({ term }, r[term]);
          lrGauge.set(lr);
          ips.set(labels, cfg.batchSize / secs);
          steps.inc();
          arBytes.inc(step.flat.size * 4);
          if (a.worldSize > 1 && r.reduceS > 0)
            busbw.set((step.flat.size * 4 * 2 * (a.worldSize - 1)) / a.worldSize / r.reduceS);
          // An indexed sum: a for-of over the 1 M parameters allocated an iterator result and a
          // heap number each (~80 MB a step, five scavenges between steps that held the ring).
          weightNorm.set(Math.sqrt(sumSquares(step.flat.values, 0, step.flat.size)));
          queueDepth.set(ahead.size);
          // Rank 0 reports each step to the head's history as it happens (the dashboard's charts).
          if (a.rank === 0)
            client
              .reportRunMetrics({
                train_loss: r.loss,
                train_kl: r.kl,
                train_eh: r.eh,
                train_he: r.he,
                train_lr: lr,
                train_images_per_s: cfg.batchSize / secs,
                train_compute_s: r.computeS,
                train_allreduce_s: r.reduceS,
                train_data_wait_s: rec.dataWaitS,
                train_step: rec.step,
              })
              .catch(() => undefined);
        }
        return out;
      },
      /** Writes shard `rank` of `n` of the state into a staging directory (the driver began it). */
      writeShard: async (req: unknown): Promise<ShardAck> => {
        const { staging, n } = req as { staging: string; n: number };
        // Each trainer writes a byte range of what must be one state: with per-trainer BatchNorm
        // the running statistics differ, so every trainer takes rank 0's first (as DDP does).
        if (!a.syncBatchNorm && group.worldSize > 1) await takeRankZeroBuffers(stores, group);
        const tensors = state();
        lastLayout = planLayout(tensors);
        const byName = new Map(tensors.map((t) => [t.name, t]));
        const ranges = splitRanges(lastLayout.totalBytes, n);
        const [start, end] = ranges[a.rank]!;
        const t0 = performance.now();
        const ack = await writeShard(
          staging,
          lastLayout,
          a.rank,
          n,
          rangeViews(lastLayout, byName, start, end),
        );
        ckSave.observe((performance.now() - t0) / 1000);
        stall.inc((performance.now() - t0) / 1000);
        ckBytes.inc(end - start);
        return ack;
      },
      /** Rank 0 commits the checkpoint once every shard is written (manifest, rename, LATEST). */
      commit: async (req: unknown) => {
        const { root, staging, acks, keep } = req as {
          root: string;
          staging: string;
          acks: ShardAck[];
          keep: number;
        };
        if (!lastLayout) throw new InvalidArgumentError('trainer: commit before writeShard');
        const { dir } = await commitCheckpoint(root, staging, lastLayout, acks, {
          step: done,
          epoch: position(done).epoch,
          config: cfg,
          meta: { stepInEpoch: position(done).stepInEpoch, worldSize: a.worldSize },
          keep,
        });
        return { dir };
      },
      /** SHA-256 of the flat weights (and the teacher's), and of the float buffers (replicas must agree on both). */
      checksum: () => {
        const h = createHash('sha256');
        h.update(
          new Uint8Array(step.flat.values.buffer, step.flat.values.byteOffset, step.flat.values.byteLength),
        );
        if (step.teacherFlat)
          h.update(
            new Uint8Array(
              step.teacherFlat.values.buffer,
              step.teacherFlat.values.byteOffset,
              step.teacherFlat.values.byteLength,
            ),
          );
        const weights = h.copy().digest('hex');
        for (const store of stores)
          for (const b of store.buffers)
            if (b.variable.dtype === 'float32') h.update(b.variable.dataSync() as Float32Array);
        return { weights, withBuffers: h.digest('hex') };
      },
      close: async () => {
        await group.close();
        await client.close();
        model.dispose();
        step.teacher?.dispose();
      },
    };
  },
});

/**
 * Makes every trainer's float buffers (BatchNorm running statistics, the model's and the teacher's)
 * rank 0's, by one broadcast. Called by every trainer of the group at the same point.
 * @throws CollectiveError when the group fails.
 */
async function takeRankZeroBuffers(stores: ParamStore[], group: CollectiveThread): Promise<void> {
  const floats = stores.flatMap((s) => s.buffers).filter((b) => b.variable.dtype === 'float32');
  const flat = new Float32Array(floats.reduce((k, b) => k + b.variable.size, 0));
  let at = 0;
  for (const b of floats) {
    flat.set(b.variable.dataSync() as Float32Array, at);
    at += b.variable.size;
  }
  await group.broadcast(flat, 0);
  at = 0;
  for (const b of floats) {
    const values = flat.subarray(at, at + b.variable.size);
    tf.tidy(() => b.variable.assign(tf.tensor(values, b.variable.shape)));
    at += b.variable.size;
  }
}
