import * as tf from '@tensorflow/tfjs-core';
import { DataFileCorruptError, parseDocument } from '../core/index.js';
import { LocalTrainConfigSchema, modelFor, type LocalTrainConfig, type TwistModel } from '../twist/index.js';
import { resolveCheckpoint, type ResolvedCheckpoint } from './load.js';

export interface LoadedModel extends ResolvedCheckpoint {
  model: TwistModel;
  config: LocalTrainConfig;
}

/**
 * Rebuilds the model a checkpoint was trained with (from the config in its manifest) and loads its
 * parameters and buffers. `target` is a checkpoint directory or a run directory (LATEST, falling
 * back to the newest valid checkpoint; see {@link resolveCheckpoint}).
 * @throws DataFileMissingError / DataFileCorruptError naming the file, the field or the tensor at fault.
 */
export async function loadModelFromCheckpoint(target: string): Promise<LoadedModel> {
  const resolved = await resolveCheckpoint(target);
  const { manifest, dir } = resolved.checkpoint;
  const config = parseDocument(LocalTrainConfigSchema, manifest.config, `${dir}/manifest.json: config`);
  const byName = new Map(resolved.state.map((t) => [t.name, t]));
  const model = modelFor(config);
  try {
    for (const v of [...model.store.params, ...model.store.buffers]) {
      const t = byName.get(v.name);
      const want = v.variable.dtype === 'int32' ? 'int32' : 'float32';
      if (!t) throw new DataFileCorruptError(`${dir}: the checkpoint has no tensor ${v.name}`);
      if (t.shape.join(',') !== v.variable.shape.join(',') || t.dtype !== want)
        throw new DataFileCorruptError(
          `${dir}: ${v.name} is ${t.dtype}[${t.shape.join(',')}], the model's ${want}[${v.variable.shape.join(',')}]`,
        );
      tf.tidy(() =>
        v.variable.assign(tf.tensor(t.data as Float32Array | Int32Array, v.variable.shape, v.variable.dtype)),
      );
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { ...resolved, model, config };
}
