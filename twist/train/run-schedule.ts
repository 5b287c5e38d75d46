import {
  cosineSchedule,
  lrAt,
  scaledLr,
  warmupEpochsFor,
  type LrScheduleConfig,
  type StepHyper,
} from '../optim/index.js';
import type { LocalTrainConfig } from './train-config.js';

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
