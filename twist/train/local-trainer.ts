import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';
import { epochOrder, loadMnistSplit, type ImageSplit } from '../../data/index.js';
import { barlowGrayViews, GrayViewAugmenter } from '../augment/index.js';
import { twistLoss } from '../loss.js';
import type { TwistModel } from '../models/index.js';
import type { ReplicaSum } from '../nn/index.js';
import {
  AdamW,
  cosineSchedule,
  FlatParams,
  Lars,
  lrAt,
  scaledLr,
  Sgd,
  warmupEpochsFor,
  type LrScheduleConfig,
  type Optimizer,
} from '../optim/index.js';
import type { LocalTrainConfig } from './train-config.js';
import { modelFor } from './model-for-config.js';
import { captureTrainState, restoreTrainState, type TrainParts, type TrainState } from './train-state.js';

export interface StepReport {
  step: number;
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  kl: number;
  eh: number;
  he: number;
  lr: number;
  seconds: number;
}

export interface EpochReport {
  epoch: number;
  steps: number;
  loss: number;
  kl: number;
  eh: number;
  he: number;
  lr: number;
  images_per_s: number;
  ms_per_step: number;
  seconds: number;
}

export interface TrainResult {
  steps: number;
  epochs: EpochReport[];
  interrupted: boolean;
  model: TwistModel;
  train: ImageSplit;
}

export interface TrainHooks {
  onStep?: (r: StepReport) => void;
  onEpoch?: (r: EpochReport) => void;
  /** Aborting stops after the current step; the final state is still handed to {@link onCheckpoint}. */
  signal?: AbortSignal;
  /**
   * Called with the run's state every `checkpointEvery` steps and once at the end (also when
   * aborted); awaited before training goes on, so an asynchronous writer should copy and return.
   * Arrays in the state are live: copy them before returning.
   */
  onCheckpoint?: (state: TrainState) => Promise<void>;
  /** Continue a run from this state (from a checkpoint of the same configuration). */
  resume?: TrainState;
}

/**
 * A run's schedule: the base lr scaled by the global batch (per 256 images, as the seed), linear
 * warmup (the seed's rule, capped at the run), cosine decay over all epochs.
 */
export function runSchedule(cfg: LocalTrainConfig, stepsPerEpoch: number): LrScheduleConfig {
  const warmupEpochs = Math.min(cfg.warmupEpochs ?? warmupEpochsFor(cfg.epochs), cfg.epochs);
  return {
    lr: scaledLr(cfg.baseLr, cfg.batchSize),
    warmupSteps: Math.round(warmupEpochs * stepsPerEpoch),
    mmeSteps: cfg.epochs * stepsPerEpoch,
    totalSteps: cfg.epochs * stepsPerEpoch,
  };
}

/** The lr and weight decay of step `step` (weight decay: cosine from its start to its end value). */
export function hyperAt(
  cfg: LocalTrainConfig,
  schedule: LrScheduleConfig,
  step: number,
): { lr: number; weightDecay: number } {
  return {
    lr: lrAt(step, schedule),
    weightDecay: cosineSchedule(
      cfg.weightDecay,
      cfg.weightDecayEnd ?? cfg.weightDecay,
      step,
      schedule.totalSteps,
    ),
  };
}

/** The model, optimizer and step of a config: what every trainer, local or distributed, starts from. */
export function buildTrainer(cfg: LocalTrainConfig): {
  model: TwistModel;
  optimizer: Optimizer;
  step: TwistStep;
} {
  const model = modelFor(cfg);
  const optimizer = makeOptimizer(cfg);
  const step = new TwistStep(model, optimizer, {
    lam1: cfg.lam1,
    lam2: cfg.lam2,
    tau: cfg.tau,
    eps: cfg.eps,
  });
  return { model, optimizer, step };
}

/** The optimizer a config names (LARS, SGD with momentum 0.9, AdamW). */
export function makeOptimizer(cfg: LocalTrainConfig): Optimizer {
  if (cfg.optimizer === 'lars') return new Lars();
  if (cfg.optimizer === 'sgd') return new Sgd(0.9);
  return new AdamW({ clipGradNorm: cfg.clipGrad });
}

/**
 * One training step of TWIST on two views: forward both views (backbone on their concatenation,
 * head once), the loss, gradients of every parameter, optimizer step on the flat host copy, upload.
 */
export class TwistStep {
  readonly flat: FlatParams;
  private readonly grads: Float32Array;
  private readonly vars: tf.Variable[];
  private readonly phaseMs = {
    forward_backward: [] as number[],
    grads_download: [] as number[],
    optimizer: [] as number[],
    upload: [] as number[],
  };

  constructor(
    readonly model: TwistModel,
    readonly optimizer: Optimizer,
    private readonly lossOpts: { lam1: number; lam2: number; tau: number; eps: number },
  ) {
    this.flat = new FlatParams(model.store);
    this.grads = new Float32Array(this.flat.size);
    this.vars = model.store.params.map((p) => p.variable);
  }

  /** Runs one step on NHWC view batches; returns the loss terms (host numbers). */
  run(
    x1: tf.Tensor4D,
    x2: tf.Tensor4D,
    hyper: { lr: number; weightDecay: number },
  ): { loss: number; kl: number; eh: number; he: number } {
    const { terms, t0, t1 } = this.forwardBackward(x1, x2);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    const t3 = performance.now();
    this.flat.upload();
    const t4 = performance.now();
    this.record({ forward_backward: t1 - t0, grads_download: t2 - t1, optimizer: t3 - t2, upload: t4 - t3 });
    return terms;
  }

  /**
   * One data-parallel step: forward/backward on this replica's views, then `reduce` averages the
   * flat gradients across replicas (the ring all-reduce), then the optimizer step on the averaged
   * gradients. Every replica that starts equal stays equal. With `sync` HE is over the global batch
   * mean (spec §1.2) and the returned terms are the global batch's (KL and EH averaged over the
   * replicas); with `syncBatchNorm` (default true) BatchNorm statistics are over all replicas too
   * (SyncBatchNorm), and then W replicas on N/W images each apply the update one replica applies
   * on N.
   * @returns the loss terms and the seconds spent computing and reducing.
   * @throws whatever `reduce` or `sync` throw when the group fails.
   */
  async runReduced(
    x1: tf.Tensor4D,
    x2: tf.Tensor4D,
    hyper: { lr: number; weightDecay: number },
    reduce: (grads: Float32Array) => Promise<void>,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): Promise<{ loss: number; kl: number; eh: number; he: number; computeS: number; reduceS: number }> {
    const { terms, t0 } = this.forwardBackward(x1, x2, sync, syncBatchNorm);
    const t1 = performance.now();
    await reduce(this.grads);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    this.flat.upload();
    const t3 = performance.now();
    return { ...terms, computeS: (t1 - t0 + (t3 - t2)) / 1000, reduceS: (t2 - t1) / 1000 };
  }

  private forwardBackward(
    x1: tf.Tensor4D,
    x2: tf.Tensor4D,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): { terms: { loss: number; kl: number; eh: number; he: number }; t0: number; t1: number } {
    const t0 = performance.now();
    let terms: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const [z1, z2] = this.model.forward([x1, x2], {
        training: true,
        ...(syncBatchNorm && sync ? { sync } : {}),
      }) as [tf.Tensor2D, tf.Tensor2D];
      const t = twistLoss(z1, z2, { ...this.lossOpts, sync });
      terms = [tf.keep(t.kl), tf.keep(t.eh), tf.keep(t.he)];
      return t.loss;
    }, this.vars);
    let loss = value.dataSync()[0]!;
    const [klLocal, ehLocal, he] = terms.map((t) => t.dataSync()[0]!) as [number, number, number];
    let [kl, eh] = [klLocal, ehLocal];
    tf.dispose([value, ...terms]);
    if (sync && sync.worldSize > 1) {
      // HE is already the global batch's; KL and EH are local means: the global is their average.
      const g = sync.sum(Float32Array.of(kl, eh));
      kl = g[0]! / sync.worldSize;
      eh = g[1]! / sync.worldSize;
      loss = kl + (1 + this.lossOpts.lam1) * eh - this.lossOpts.lam2 * he;
    }
    const t1 = performance.now();
    this.flat.flattenGrads(grads, this.grads);
    return { terms: { loss, kl, eh, he }, t0, t1 };
  }

  /** Milliseconds per phase of the last (up to 100) steps. */
  timings(): Readonly<
    Record<'forward_backward' | 'grads_download' | 'optimizer' | 'upload', readonly number[]>
  > {
    return this.phaseMs;
  }

  private record(ms: Record<keyof TwistStep['phaseMs'], number>): void {
    for (const k of Object.keys(ms) as (keyof TwistStep['phaseMs'])[]) {
      const a = this.phaseMs[k];
      a.push(ms[k]);
      if (a.length > 100) a.shift();
    }
  }
}

/**
 * Trains TWIST on one process on an MNIST-format dataset (two `barlow` grayscale views, LARS by
 * default), reporting every step and epoch, handing its state to `hooks.onCheckpoint` every
 * `checkpointEvery` steps and at the end (also when aborted). With `hooks.resume` it continues a
 * run exactly: the same next batch, augmentation draws, lr and optimizer state as if never stopped.
 * The returned model is the caller's to dispose.
 * @throws DataFileMissingError / DataFileCorruptError for the dataset; InvalidArgumentError when
 * the batch does not fit the dataset or the resumed state does not fit the model.
 */
export async function trainLocal(cfg: LocalTrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const train = await loadMnistSplit(cfg.dataPath, 'train');
  const stepsPerEpoch = Math.floor(train.count / cfg.batchSize);
  if (stepsPerEpoch < 1)
    throw new InvalidArgumentError(`batch size ${cfg.batchSize} exceeds the ${train.count} training images`);
  const totalSteps = Math.min(cfg.epochs * stepsPerEpoch, cfg.maxSteps ?? Infinity);
  const schedule = runSchedule(cfg, stepsPerEpoch);
  const { model, optimizer, step } = buildTrainer(cfg);
  const [v1, v2] = barlowGrayViews(train.height).map(
    (v) => new GrayViewAugmenter({ ...v, scale: [cfg.cropScaleMin, 1] }),
  ) as [GrayViewAugmenter, GrayViewAugmenter];
  const rng = new Random(cfg.seed + 1);
  const parts: TrainParts = { store: model.store, flat: step.flat, optimizer, rng, samplerSeed: cfg.seed };
  const size = train.height;
  const epochs: EpochReport[] = [];
  let done = 0;
  let firstEpoch = 0;
  let firstStep = 0;
  if (hooks.resume) {
    try {
      restoreTrainState(parts, hooks.resume.tensors);
    } catch (err) {
      model.dispose();
      throw err;
    }
    ({ step: done, epoch: firstEpoch, stepInEpoch: firstStep } = hooks.resume);
  }
  const position = (epoch: number, s: number): { epoch: number; stepInEpoch: number } =>
    s >= stepsPerEpoch ? { epoch: epoch + 1, stepInEpoch: 0 } : { epoch, stepInEpoch: s };
  let interrupted = false;
  let lastSaved = hooks.resume ? done : -1;
  let where = { epoch: firstEpoch, stepInEpoch: firstStep };
  for (let epoch = firstEpoch; epoch < cfg.epochs && done < totalSteps && !interrupted; epoch++) {
    const order = epochOrder(train.count, cfg.seed, epoch);
    const sums = { loss: 0, kl: 0, eh: 0, he: 0 };
    let steps = 0;
    let lr = 0;
    const t0 = performance.now();
    for (let s = epoch === firstEpoch ? firstStep : 0; s < stepsPerEpoch && done < totalSteps; s++) {
      if (hooks.signal?.aborted) {
        interrupted = true;
        break;
      }
      const ts = performance.now();
      const idx = order.subarray(s * cfg.batchSize, (s + 1) * cfg.batchSize);
      const shape: [number, number, number, number] = [cfg.batchSize, size, size, 1];
      const hyper = hyperAt(cfg, schedule, done);
      lr = hyper.lr;
      const weightDecay = hyper.weightDecay;
      const x1 = tf.tensor4d(v1.apply(rng, train.images, train.height, train.width, idx), shape);
      const x2 = tf.tensor4d(v2.apply(rng, train.images, train.height, train.width, idx), shape);
      const r = step.run(x1, x2, { lr, weightDecay });
      tf.dispose([x1, x2]);
      if (!Number.isFinite(r.loss))
        throw new InvalidArgumentError(`loss became ${r.loss} at step ${done}; lower the learning rate`);
      sums.loss += r.loss;
      sums.kl += r.kl;
      sums.eh += r.eh;
      sums.he += r.he;
      steps++;
      done++;
      where = position(epoch, s + 1);
      if (hooks.onCheckpoint && cfg.checkpointEvery > 0 && done % cfg.checkpointEvery === 0) {
        await hooks.onCheckpoint(captureTrainState(parts, { ...where, step: done }, cfg.batchSize));
        lastSaved = done;
      }
      hooks.onStep?.({
        step: done,
        epoch,
        stepInEpoch: s + 1,
        stepsPerEpoch,
        ...r,
        lr,
        seconds: (performance.now() - ts) / 1000,
      });
      // Let signal handlers (Ctrl-C) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (steps === 0) break;
    const seconds = (performance.now() - t0) / 1000;
    const report: EpochReport = {
      epoch: epoch + 1,
      steps,
      loss: sums.loss / steps,
      kl: sums.kl / steps,
      eh: sums.eh / steps,
      he: sums.he / steps,
      lr,
      images_per_s: (steps * cfg.batchSize) / seconds,
      ms_per_step: (1000 * seconds) / steps,
      seconds,
    };
    epochs.push(report);
    hooks.onEpoch?.(report);
  }
  if (hooks.onCheckpoint && lastSaved !== done)
    await hooks.onCheckpoint(captureTrainState(parts, { ...where, step: done }, cfg.batchSize));
  return { steps: done, epochs, interrupted, model, train };
}
