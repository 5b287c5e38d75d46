import { InvalidArgumentError } from '../../core/index.js';
import type { ParamSegment } from './flat-params.js';
import { nativeOptim } from './native-optim.js';

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

/**
 * Σ x² in double precision over a slice, in four lanes (element k of the slice into lane k mod 4,
 * then (lane 0 + lane 1) + (lane 2 + lane 3)): the compiled form's order (native/optim), whose
 * result it equals bit for bit.
 */
export function sumSquares(x: Float32Array, offset: number, size: number): number {
  const native = nativeOptim();
  if (native) return native.sumSquares(x, offset, size);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = offset + size;
  let i = offset;
  for (; i + 4 <= end; i += 4) {
    s0 += x[i]! * x[i]!;
    s1 += x[i + 1]! * x[i + 1]!;
    s2 += x[i + 2]! * x[i + 2]!;
    s3 += x[i + 3]! * x[i + 3]!;
  }
  if (i < end) s0 += x[i]! * x[i]!;
  if (i + 1 < end) s1 += x[i + 1]! * x[i + 1]!;
  if (i + 2 < end) s2 += x[i + 2]! * x[i + 2]!;
  return s0 + s1 + (s2 + s3);
}
