import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';
import { epochOrder } from '../../data/index.js';
import { momentumTwistLoss, multiCropTwistLoss, twistLoss } from '../loss.js';
import { selfLabelLoss } from '../self-label-loss.js';
import type { TwistModel } from '../models/index.js';
import type { ReplicaSum } from '../nn/index.js';
import {
  AdamW,
  cosineSchedule,
  emaUpdate,
  FlatParams,
  Lars,
  lrAt,
  scaledLr,
  Sgd,
  warmupEpochsFor,
  type LrScheduleConfig,
  type Optimizer,
  type StepHyper,
} from '../optim/index.js';
import type { LocalTrainConfig } from './train-config.js';
import { modelFor } from './model-for-config.js';
import { chunkedForward, chunkedVariableGrads, DEFAULT_BACKBONE_CHUNK } from './chunked-backbone.js';
import { openTrainViews, type LoadedBatch, type TrainViews } from './train-views.js';
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
  /** Self-labeling phase: the confidence threshold and the samples kept. */
  threshold?: number;
  kept?: number;
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
  /** The run's config with the data's channels and view sizes filled in (what checkpoints record). */
  config: LocalTrainConfig;
  views: TrainViews;
}

export interface TrainHooks {
  /** Called once the data is open, before the first step: the resolved config and the data. */
  onStart?: (info: { config: LocalTrainConfig; description: string; stepsPerEpoch: number }) => void;
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
  /** Told of every image file that cannot be decoded (it is skipped and counted). */
  onSkip?: (file: string, reason: string) => void;
}

/**
 * A run's schedule: the base lr scaled by the global batch (per 256 images, as the seed), linear
 * warmup (the seed's rule, capped at the TWIST phase), cosine decay to the self-labeling phase
 * (`mmeEpochs`, default the whole run), then the phase's own warmup (5 epochs, capped) and cosine
 * from the scaled `lrSl`.
 */
export function runSchedule(cfg: LocalTrainConfig, stepsPerEpoch: number): LrScheduleConfig {
  const mmeEpochs = Math.min(cfg.mmeEpochs ?? cfg.epochs, cfg.epochs);
  const warmupEpochs = Math.min(cfg.warmupEpochs ?? warmupEpochsFor(cfg.epochs), mmeEpochs);
  return {
    lr: scaledLr(cfg.baseLr, cfg.batchSize),
    warmupSteps: Math.round(warmupEpochs * stepsPerEpoch),
    mmeSteps: mmeEpochs * stepsPerEpoch,
    totalSteps: cfg.epochs * stepsPerEpoch,
    lrSl: scaledLr(cfg.lrSl, cfg.batchSize),
    slWarmupSteps: SL_WARMUP_EPOCHS * stepsPerEpoch,
  };
}

/** The seed's `sl_warmup_epochs`. */
const SL_WARMUP_EPOCHS = 5;

/** What a training step needs from the schedules: the optimizer's lr and weight decay, and more. */
export interface TrainStepHyper extends StepHyper {
  /** The momentum encoder's EMA momentum this step (runs with a teacher). */
  momentum?: number;
  /** The confidence quantile: present in the self-labeling phase, absent in TWIST's. */
  quantile?: number;
}

/**
 * The hyper-parameters of step `step`: lr (see {@link runSchedule}); weight decay, a cosine from
 * its start to its end value over the run; the teacher's momentum, a cosine from
 * `momentumEncoder` to 1 over the TWIST phase; in the self-labeling phase the quantile, a cosine
 * from `quantile` to `quantileEnd` over the phase.
 */
export function hyperAt(cfg: LocalTrainConfig, schedule: LrScheduleConfig, step: number): TrainStepHyper {
  const h: TrainStepHyper = {
    lr: lrAt(step, schedule),
    weightDecay: cosineSchedule(
      cfg.weightDecay,
      cfg.weightDecayEnd ?? cfg.weightDecay,
      step,
      schedule.totalSteps,
    ),
  };
  if (cfg.momentumEncoder !== undefined)
    h.momentum = cosineSchedule(cfg.momentumEncoder, 1, step, schedule.mmeSteps);
  if (step >= schedule.mmeSteps && schedule.mmeSteps < schedule.totalSteps)
    h.quantile = cosineSchedule(
      cfg.quantile,
      cfg.quantileEnd,
      step - schedule.mmeSteps,
      schedule.totalSteps - schedule.mmeSteps,
    );
  return h;
}

/**
 * The model, optimizer and step of a config: what every trainer, local or distributed, starts from.
 * With `momentumEncoder` the step has a teacher: a copy of the model updated by EMA.
 */
export function buildTrainer(cfg: LocalTrainConfig): {
  model: TwistModel;
  optimizer: Optimizer;
  step: TwistStep;
} {
  const model = modelFor(cfg);
  const teacher = cfg.momentumEncoder !== undefined ? modelFor(cfg) : undefined;
  const optimizer = makeOptimizer(cfg);
  const step = new TwistStep(
    model,
    optimizer,
    { lam1: cfg.lam1, lam2: cfg.lam2, tau: cfg.tau, eps: cfg.eps },
    teacher,
    cfg.backboneChunk,
  );
  return { model, optimizer, step };
}

/** The optimizer a config names (LARS, SGD with momentum 0.9, AdamW). */
export function makeOptimizer(cfg: LocalTrainConfig): Optimizer {
  if (cfg.optimizer === 'lars') return new Lars();
  if (cfg.optimizer === 'sgd') return new Sgd(0.9);
  return new AdamW({ clipGradNorm: cfg.clipGrad });
}

/** A step's loss terms (host numbers); in the self-labeling phase also its threshold and kept count. */
export interface StepTerms {
  /** The optimised loss: TWIST's, or the self-labeling cross-entropy. */
  loss: number;
  kl: number;
  eh: number;
  he: number;
  threshold?: number;
  kept?: number;
}

/**
 * One training step of TWIST on n ≥ 2 views (0 and 1 global): the backbone per resolution group,
 * the head once over all views, the loss of the phase (two views: the pair loss; more: the 2n − 3
 * (global, other) pairs of spec §4.4(a); with a teacher: spec §4.4(b) against the teacher's global
 * views; self-labeling: the confidence-masked cross-entropy of spec §4.5, TWIST's terms logged only),
 * gradients of every parameter, the optimizer step on the flat host copy, upload, and the teacher's
 * EMA.
 */
export class TwistStep {
  readonly flat: FlatParams;
  /** The momentum encoder's flat parameters (runs with a teacher). */
  readonly teacherFlat?: FlatParams;
  private readonly grads: Float32Array;
  private readonly vars: tf.Variable[];
  private readonly phaseMs = {
    forward_backward: [] as number[],
    grads_download: [] as number[],
    optimizer: [] as number[],
    upload: [] as number[],
  };

  /**
   * @param teacher a model of the same configuration; it is made a copy of `model` here.
   * @param backboneChunk images per backbone pass for a backbone without BatchNorm (a ViT), with
   * the activations recomputed for the gradient ({@link chunkedVariableGrads}); 0: the whole
   * batch in one pass. Default {@link DEFAULT_BACKBONE_CHUNK}; used only when a resolution group
   * holds more images than that.
   */
  constructor(
    readonly model: TwistModel,
    readonly optimizer: Optimizer,
    private readonly lossOpts: { lam1: number; lam2: number; tau: number; eps: number },
    readonly teacher?: TwistModel,
    private readonly backboneChunk = DEFAULT_BACKBONE_CHUNK,
  ) {
    this.flat = new FlatParams(model.store);
    this.grads = new Float32Array(this.flat.size);
    this.vars = model.store.params.map((p) => p.variable);
    if (teacher) {
      this.teacherFlat = new FlatParams(teacher.store);
      if (this.teacherFlat.size !== this.flat.size)
        throw new InvalidArgumentError(
          `teacher has ${this.teacherFlat.size} parameters, the model ${this.flat.size}`,
        );
      this.teacherFlat.values.set(this.flat.values);
      this.teacherFlat.upload();
    }
  }

  /** Runs one step on NHWC view batches (views 0 and 1 global); returns the loss terms. */
  run(views: tf.Tensor4D[], hyper: TrainStepHyper): StepTerms {
    const { terms, t0, t1 } = this.forwardBackward(views, hyper);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    const t3 = performance.now();
    this.flat.upload();
    this.updateTeacher(hyper);
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
    hyper: TrainStepHyper,
    reduce: (grads: Float32Array) => Promise<void>,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): Promise<StepTerms & { computeS: number; reduceS: number }> {
    const { terms, t0 } = this.forwardBackward([x1, x2], hyper, sync, syncBatchNorm);
    const t1 = performance.now();
    await reduce(this.grads);
    const t2 = performance.now();
    this.optimizer.step(this.flat.values, this.grads, this.flat.segments, hyper);
    this.flat.upload();
    this.updateTeacher(hyper);
    const t3 = performance.now();
    return { ...terms, computeS: (t1 - t0 + (t3 - t2)) / 1000, reduceS: (t2 - t1) / 1000 };
  }

  private updateTeacher(hyper: TrainStepHyper): void {
    if (!this.teacherFlat) return;
    if (hyper.momentum === undefined)
      throw new InvalidArgumentError('a step with a momentum encoder needs hyper.momentum');
    emaUpdate(this.teacherFlat.values, this.flat.values, hyper.momentum);
    this.teacherFlat.upload();
  }

  private forwardBackward(
    views: tf.Tensor4D[],
    hyper: TrainStepHyper,
    sync?: ReplicaSum,
    syncBatchNorm = true,
  ): { terms: StepTerms; t0: number; t1: number } {
    if (views.length < 2)
      throw new InvalidArgumentError(`a TWIST step needs at least 2 views, got ${views.length}`);
    const t0 = performance.now();
    const ctx = { training: true, ...(syncBatchNorm && sync ? { sync } : {}) };
    const chunk = this.chunkFor(views);
    // The teacher sees the two global views in training mode (batch statistics) and takes no gradient.
    const teacher = this.teacher && hyper.quantile === undefined ? this.teacher : undefined;
    const teacherZ = teacher
      ? chunk > 0
        ? chunkedForward(teacher, views.slice(0, 2), ctx, chunk)
        : tf.tidy(() => teacher.forward(views.slice(0, 2), ctx))
      : undefined;
    let terms: tf.Scalar[] = [];
    const selfLabel: { threshold?: number; kept?: number } = {};
    const lossOf = (zs: tf.Tensor2D[]): tf.Scalar => {
      const opts = { ...this.lossOpts, sync };
      const t = teacherZ
        ? momentumTwistLoss(teacherZ, zs, opts)
        : zs.length > 2
          ? multiCropTwistLoss(zs, opts)
          : twistLoss(zs[0]!, zs[1]!, opts);
      terms = [tf.keep(t.kl), tf.keep(t.eh), tf.keep(t.he)];
      if (hyper.quantile === undefined) return t.loss;
      const sl = selfLabelLoss(zs, { quantile: hyper.quantile, tau: this.lossOpts.tau });
      selfLabel.threshold = sl.threshold;
      selfLabel.kept = sl.kept;
      return sl.loss;
    };
    const { value, grads } =
      chunk > 0
        ? chunkedVariableGrads(this.model, views, ctx, chunk, lossOf)
        : tf.variableGrads(() => lossOf(this.model.forward(views, ctx)), this.vars);
    if (teacherZ) tf.dispose(teacherZ);
    let loss = value.dataSync()[0]!;
    const [klLocal, ehLocal, he] = terms.map((t) => t.dataSync()[0]!) as [number, number, number];
    let [kl, eh] = [klLocal, ehLocal];
    tf.dispose([value, ...terms]);
    if (sync && sync.worldSize > 1) {
      // HE is already the global batch's; KL and EH are local means: the global is their average.
      const g = sync.sum(Float32Array.of(kl, eh, selfLabel.kept !== undefined ? loss : 0));
      kl = g[0]! / sync.worldSize;
      eh = g[1]! / sync.worldSize;
      loss =
        selfLabel.kept !== undefined
          ? g[2]! / sync.worldSize
          : kl + (1 + this.lossOpts.lam1) * eh - this.lossOpts.lam2 * he;
    }
    const t1 = performance.now();
    this.flat.flattenGrads(grads, this.grads);
    return { terms: { loss, kl, eh, he, ...selfLabel }, t0, t1 };
  }

  /** The backbone's chunk for these views: 0 unless it is per-sample and a resolution group exceeds it. */
  private chunkFor(views: tf.Tensor4D[]): number {
    if (this.backboneChunk <= 0 || !this.model.backbonePerSample) return 0;
    const largest = Math.max(...this.model.resolutionGroups(views).map((g) => g.length * g[0]!.shape[0]));
    return largest > this.backboneChunk ? this.backboneChunk : 0;
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
 * Trains TWIST on one process: an MNIST-format directory (grayscale) or an ImageFolder (RGB), with
 * `barlow` or `multicrop` views, the optional momentum encoder and self-labeling phase; reports
 * every step and epoch, hands its state to `hooks.onCheckpoint` every `checkpointEvery` steps and
 * at the end (also when aborted). With `hooks.resume` it continues a run exactly: the same next
 * batch, augmentation draws, lr, optimizer and teacher state as if never stopped. While a step
 * computes, the next batch's files are decoded (sharp's threads). The returned model is the
 * caller's to dispose; `config` is the run's with the data's channels and view sizes filled in.
 * @throws DataFileMissingError / DataFileCorruptError for the dataset; InvalidArgumentError when
 * the batch does not fit the dataset, the views do not fit the model, or the resumed state does not
 * fit the run.
 */
export async function trainLocal(cfg0: LocalTrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { views, cfg } = await openTrainViews(cfg0, hooks.onSkip);
  const count = views.count;
  const stepsPerEpoch = Math.floor(count / cfg.batchSize);
  if (stepsPerEpoch < 1)
    throw new InvalidArgumentError(
      `batchSize ${cfg.batchSize} exceeds the ${count} training images of ${cfg.dataPath}: lower --batch-size`,
    );
  const totalSteps = Math.min(cfg.epochs * stepsPerEpoch, cfg.maxSteps ?? Infinity);
  const schedule = runSchedule(cfg, stepsPerEpoch);
  hooks.onStart?.({ config: cfg, description: views.description, stepsPerEpoch });
  const { model, optimizer, step } = buildTrainer(cfg);
  const rng = new Random(cfg.seed + 1);
  const parts: TrainParts = {
    store: model.store,
    flat: step.flat,
    optimizer,
    rng,
    samplerSeed: cfg.seed,
    ...(step.teacher && step.teacherFlat
      ? { teacher: { store: step.teacher.store, flat: step.teacherFlat } }
      : {}),
  };
  const dispose = (): void => {
    model.dispose();
    step.teacher?.dispose();
  };
  const epochs: EpochReport[] = [];
  let done = 0;
  let firstEpoch = 0;
  let firstStep = 0;
  if (hooks.resume) {
    try {
      restoreTrainState(parts, hooks.resume.tensors);
    } catch (err) {
      dispose();
      throw err;
    }
    ({ step: done, epoch: firstEpoch, stepInEpoch: firstStep } = hooks.resume);
  }
  const position = (epoch: number, s: number): { epoch: number; stepInEpoch: number } =>
    s >= stepsPerEpoch ? { epoch: epoch + 1, stepInEpoch: 0 } : { epoch, stepInEpoch: s };
  let interrupted = false;
  let lastSaved = hooks.resume ? done : -1;
  let where = { epoch: firstEpoch, stepInEpoch: firstStep };
  try {
    for (let epoch = firstEpoch; epoch < cfg.epochs && done < totalSteps && !interrupted; epoch++) {
      const order = epochOrder(count, cfg.seed, epoch);
      const batchAt = (s: number): Int32Array => order.subarray(s * cfg.batchSize, (s + 1) * cfg.batchSize);
      const sums = { loss: 0, kl: 0, eh: 0, he: 0 };
      let steps = 0;
      let lr = 0;
      const t0 = performance.now();
      let s = epoch === firstEpoch ? firstStep : 0;
      let next: Promise<LoadedBatch> | undefined = s < stepsPerEpoch ? views.load(batchAt(s)) : undefined;
      for (; s < stepsPerEpoch && done < totalSteps; s++) {
        const loading = next!;
        next = undefined;
        if (hooks.signal?.aborted) {
          interrupted = true;
          loading.catch(() => undefined);
          break;
        }
        const ts = performance.now();
        const batch = await loading;
        // Decode the next batch while this one computes.
        if (s + 1 < stepsPerEpoch && done + 1 < totalSteps) {
          next = views.load(batchAt(s + 1));
          next.catch(() => undefined);
        }
        const hyper = hyperAt(cfg, schedule, done);
        lr = hyper.lr;
        const data = views.augment(batch, rng, hyper.quantile !== undefined);
        const xs = data.map((v) => tf.tensor4d(v.data, v.shape));
        let r: StepTerms;
        try {
          r = step.run(xs, hyper);
        } finally {
          tf.dispose(xs);
        }
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
  } catch (err) {
    dispose();
    throw err;
  }
  step.teacher?.dispose();
  return { steps: done, epochs, interrupted, model, config: cfg, views };
}
