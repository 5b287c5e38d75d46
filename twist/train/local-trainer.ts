import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';
import { epochOrder } from '../../data/index.js';
import type { TwistModel } from '../models/index.js';
import { AdamW, Lars, Sgd, type Optimizer } from '../optim/index.js';
import { modelFor } from './model-for-config.js';
import { hyperAt, runSchedule } from './run-schedule.js';
import type { LocalTrainConfig } from './train-config.js';
import { captureTrainState, restoreTrainState, type TrainParts, type TrainState } from './train-state.js';
import { openTrainViews, type LoadedBatch } from './train-views.js';
import { TwistStep, type StepTerms } from './twist-step.js';

/** One step's report: its position, its loss terms, the lr and how long it took. */
export interface StepReport extends StepTerms {
  step: number;
  epoch: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
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
  return { steps: done, epochs, interrupted, model, config: cfg };
}
