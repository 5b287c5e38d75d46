import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Random } from '../../core/index.js';
import type { ParamStore } from '../nn/param-store.js';
import type { FlatParams, Optimizer } from '../optim/index.js';
import { stateTensor, type StateArray, type StateTensor } from '../../core/index.js';

/** Where a run is: `step` steps done; the next step is step `stepInEpoch` (0-based) of epoch `epoch` (0-based). */
export interface TrainPosition {
  step: number;
  epoch: number;
  stepInEpoch: number;
}

/** Everything a run needs to continue exactly: its position and its state tensors. */
export interface TrainState extends TrainPosition {
  tensors: StateTensor[];
}

/** The live parts of a run that a state captures and restores. */
export interface TrainParts {
  store: ParamStore;
  flat: FlatParams;
  optimizer: Optimizer;
  /** The augmentation RNG. */
  rng: Random;
  /** The sampler's seed (its order for an epoch is a function of seed and epoch). */
  samplerSeed: number;
  /** The momentum encoder, when the run has one: its tensors are saved as `teacher.<name>`. */
  teacher?: { store: ParamStore; flat: FlatParams };
}

/** Prefix of the momentum encoder's tensors in a run's state. */
export const TEACHER_PREFIX = 'teacher.';

/** Tensor names of the non-model state. */
export const STATE_NAMES = {
  optimizerSteps: 'optimizer.steps',
  rngWords: 'rng.augment.words',
  rngSpare: 'rng.augment.spare',
  sampler: 'sampler.state',
} as const;

/**
 * The run's state as named host arrays: parameters (the flat master copy, torchvision/seed names,
 * stored layouts), buffers, the optimizer's buffers per parameter (`optimizer.<param>.<buffer>`, e.g.
 * `optimizer.backbone.conv1.weight.momentum_buffer`) and step count, the augmentation RNG, the
 * sampler (seed, epoch, position in samples). Parameter and optimizer arrays are views of live
 * buffers: a checkpoint writer copies them before the next step.
 */
export function captureTrainState(parts: TrainParts, pos: TrainPosition, batchSize: number): TrainState {
  const { store, flat, optimizer, rng } = parts;
  const tensors: StateTensor[] = [];
  const layouts = new Map(store.params.map((p) => [p.name, p.layout]));
  for (const s of flat.segments)
    tensors.push(
      stateTensor(
        s.name,
        flat.values.subarray(s.offset, s.offset + s.size),
        [...s.shape],
        layouts.get(s.name),
      ),
    );
  for (const b of store.buffers)
    tensors.push(
      stateTensor(b.name, b.variable.dataSync() as Float32Array | Int32Array, [...b.variable.shape]),
    );
  if (parts.teacher) {
    const t = parts.teacher;
    for (const s of t.flat.segments)
      tensors.push(
        stateTensor(
          TEACHER_PREFIX + s.name,
          t.flat.values.subarray(s.offset, s.offset + s.size),
          [...s.shape],
          layouts.get(s.name),
        ),
      );
    for (const b of t.store.buffers)
      tensors.push(
        stateTensor(TEACHER_PREFIX + b.name, b.variable.dataSync() as Float32Array | Int32Array, [
          ...b.variable.shape,
        ]),
      );
  }
  const opt = optimizer.state();
  for (const [buf, values] of Object.entries(opt.buffers))
    for (const s of flat.segments)
      tensors.push(
        stateTensor(
          `optimizer.${s.name}.${buf}`,
          values.subarray(s.offset, s.offset + s.size),
          [...s.shape],
          layouts.get(s.name),
        ),
      );
  tensors.push(stateTensor(STATE_NAMES.optimizerSteps, Float64Array.of(opt.steps), []));
  const r = rng.getState();
  tensors.push(stateTensor(STATE_NAMES.rngWords, r.words));
  tensors.push(stateTensor(STATE_NAMES.rngSpare, Float64Array.of(r.spare), []));
  tensors.push(
    stateTensor(
      STATE_NAMES.sampler,
      Float64Array.of(parts.samplerSeed, pos.epoch, pos.stepInEpoch * batchSize),
    ),
  );
  return { ...pos, tensors };
}

/**
 * Puts a captured state back into the run's parts (the position is the caller's to use).
 * @throws InvalidArgumentError naming the tensor that is missing or has another shape or dtype, or
 * a sampler seed that is not the run's.
 */
export function restoreTrainState(parts: TrainParts, tensors: readonly StateTensor[]): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const take = (name: string, shape: readonly number[], dtypes: readonly string[]): StateArray => {
    const t = byName.get(name);
    if (!t) throw new InvalidArgumentError(`resume: the state has no tensor ${name}`);
    if (t.shape.join(',') !== shape.join(',') || !dtypes.includes(t.dtype))
      throw new InvalidArgumentError(
        `resume: ${name} is ${t.dtype}[${t.shape.join(',')}], the run needs ${dtypes[0]}[${shape.join(',')}]`,
      );
    return t.data;
  };
  const { flat, optimizer, rng } = parts;
  const restoreModel = (m: { store: ParamStore; flat: FlatParams }, prefix: string): void => {
    for (const s of m.flat.segments) m.flat.values.set(take(prefix + s.name, s.shape, ['float32']), s.offset);
    for (const b of m.store.buffers) {
      const values = take(prefix + b.name, b.variable.shape, [
        b.variable.dtype === 'int32' ? 'int32' : 'float32',
      ]);
      tf.tidy(() =>
        b.variable.assign(tf.tensor(values as Float32Array | Int32Array, b.variable.shape, b.variable.dtype)),
      );
    }
  };
  restoreModel(parts, '');
  if (parts.teacher) restoreModel(parts.teacher, TEACHER_PREFIX);
  const names = new Set<string>();
  for (const t of tensors) {
    const m = /^optimizer\.(.+)\.([a-z_]+)$/.exec(t.name);
    if (m && t.name !== STATE_NAMES.optimizerSteps) names.add(m[2]!);
  }
  const buffers: Record<string, Float32Array> = {};
  for (const buf of names) {
    const whole = new Float32Array(flat.size);
    for (const s of flat.segments)
      whole.set(take(`optimizer.${s.name}.${buf}`, s.shape, ['float32']), s.offset);
    buffers[buf] = whole;
  }
  optimizer.loadState({ steps: take(STATE_NAMES.optimizerSteps, [], ['float64'])[0]!, buffers }, flat.size);
  rng.setState({
    words: take(STATE_NAMES.rngWords, [4], ['uint32']),
    spare: take(STATE_NAMES.rngSpare, [], ['float64'])[0]!,
  });
  const seed = take(STATE_NAMES.sampler, [3], ['float64'])[0]!;
  if (seed !== parts.samplerSeed)
    throw new InvalidArgumentError(
      `resume: the state's sampler seed is ${seed}, the run's ${parts.samplerSeed}`,
    );
  flat.upload();
  parts.teacher?.flat.upload();
}
