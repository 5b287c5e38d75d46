import { InvalidArgumentError } from '../../core/index.js';

/** Linear scaling rule: base_lr × global_batch / 256. */
export function scaledLr(baseLr: number, globalBatch: number): number {
  return (baseLr * globalBatch) / 256;
}

/** The seed's warmup length in epochs: 10 if epochs > 50, 5 if 21–50, 3 if ≤ 20. */
export function warmupEpochsFor(epochs: number): number {
  return epochs > 50 ? 10 : epochs > 20 ? 5 : 3;
}

export interface LrScheduleConfig {
  /** Peak lr (already batch-scaled). */
  lr: number;
  warmupSteps: number;
  /** First step of the self-labeling phase (= total steps when there is none). */
  mmeSteps: number;
  totalSteps: number;
  /** Peak lr of the self-labeling phase (batch-scaled `lr_sl`). */
  lrSl?: number;
  /** Self-labeling warmup (`sl_warmup_epochs` = 5 epochs). */
  slWarmupSteps?: number;
  /** Floor of both cosines as a fraction of their peak (0.001). */
  finalFraction?: number;
}

function cosineTo(peak: number, floor: number, t: number, len: number): number {
  const q = 0.5 * (1 + Math.cos((Math.PI * t) / len));
  return peak * (q + floor * (1 - q));
}

/**
 * The seed's per-iteration learning rate (spec §4.2): linear warmup from 0 over [0, warmup); cosine
 * from lr to 0.001·lr over [warmup, mme); then for self-labeling a linear warmup to lr_sl and a cosine
 * to 0.001·lr_sl until the end.
 * @throws InvalidArgumentError on inconsistent step counts.
 */
export function lrAt(step: number, c: LrScheduleConfig): number {
  const floor = c.finalFraction ?? 0.001;
  if (!(c.warmupSteps >= 0 && c.warmupSteps <= c.mmeSteps && c.mmeSteps <= c.totalSteps)) {
    throw new InvalidArgumentError(
      `lr schedule needs 0 ≤ warmup (${c.warmupSteps}) ≤ mme (${c.mmeSteps}) ≤ total (${c.totalSteps})`,
    );
  }
  if (step < c.warmupSteps) return (c.lr * step) / c.warmupSteps;
  if (step < c.mmeSteps) return cosineTo(c.lr, floor, step - c.warmupSteps, c.mmeSteps - c.warmupSteps);
  const lrSl = c.lrSl ?? c.lr / 10;
  const slWarm = Math.min(c.slWarmupSteps ?? 0, c.totalSteps - c.mmeSteps);
  const t = step - c.mmeSteps;
  if (t < slWarm) return (lrSl * t) / slWarm;
  return cosineTo(lrSl, floor, t - slWarm, Math.max(c.totalSteps - c.mmeSteps - slWarm, 1));
}

/**
 * DINO's `cosine_scheduler` at iteration `step` of `total` (no warmup):
 * final + ½(base − final)(1 + cos(π·step/total)). The seed's weight decay (wd → wd_end over the whole
 * run) and momentum-encoder EMA (0.996 → 1 over mme epochs) follow it.
 */
export function cosineSchedule(base: number, final: number, step: number, total: number): number {
  if (total <= 0) return base;
  const t = Math.min(step, total - 1);
  return final + 0.5 * (base - final) * (1 + Math.cos((Math.PI * t) / total));
}

/** EMA of a momentum encoder: teacher ← m·teacher + (1 − m)·student, all parameters, in place. */
export function emaUpdate(teacher: Float32Array, student: Float32Array, m: number): void {
  if (teacher.length !== student.length)
    throw new InvalidArgumentError(`EMA over buffers of ${teacher.length} and ${student.length} values`);
  for (let i = 0; i < teacher.length; i++) teacher[i] = m * teacher[i]! + (1 - m) * student[i]!;
}
