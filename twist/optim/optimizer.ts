import type { ParamSegment } from './flat-params.js';

/** Per-step hyper-parameters, from the schedules. */
export interface StepHyper {
  lr: number;
  /** Weight decay of the regular weights this step (excluded parameters never decay). */
  weightDecay: number;
}

/** An optimizer over flat parameter and gradient buffers, with its state kept between steps. */
export interface Optimizer {
  readonly name: string;
  step(params: Float32Array, grads: Float32Array, segments: readonly ParamSegment[], hyper: StepHyper): void;
  /** The state buffers by name (checkpoints). */
  state(): Record<string, Float32Array>;
}

/** Σ x² in double precision over a slice. */
export function sumSquares(x: Float32Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset, end = offset + size; i < end; i++) s += x[i]! * x[i]!;
  return s;
}
