import { InvalidArgumentError } from '../../core/index.js';
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
  /** The state (checkpoints): steps taken and buffers by PyTorch's names; the buffers are live, not copies. */
  state(): OptimizerState;
  /**
   * Restores a state from {@link state} (copied in).
   * @throws InvalidArgumentError on a missing or unknown buffer or one of another length.
   */
  loadState(state: OptimizerState, size: number): void;
}

/** An optimizer's state: the number of steps taken and its per-element buffers over the flat parameters. */
export interface OptimizerState {
  steps: number;
  buffers: Record<string, Float32Array>;
}

/**
 * Checks a state against an optimizer's buffer names and the flat size; returns copies of the
 * buffers in `names` order (empty when the state has no buffers: no step taken yet).
 * @throws InvalidArgumentError naming the buffer at fault.
 */
export function checkedBuffers(
  optimizer: string,
  state: OptimizerState,
  names: readonly string[],
  size: number,
): Float32Array[] {
  const given = Object.keys(state.buffers);
  if (given.length === 0) return [];
  for (const k of given)
    if (!names.includes(k))
      throw new InvalidArgumentError(
        `${optimizer} state: unknown buffer ${k} (expected ${names.join(', ')})`,
      );
  return names.map((n) => {
    const b = state.buffers[n];
    if (!b) throw new InvalidArgumentError(`${optimizer} state: missing buffer ${n}`);
    if (b.length !== size)
      throw new InvalidArgumentError(
        `${optimizer} state: ${n} has ${b.length} values, the parameters ${size}`,
      );
    return Float32Array.from(b);
  });
}

/** Σ x² in double precision over a slice. */
export function sumSquares(x: Float32Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset, end = offset + size; i < end; i++) s += x[i]! * x[i]!;
  return s;
}
