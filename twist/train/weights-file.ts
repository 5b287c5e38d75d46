import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import { DataFileCorruptError, DataFileMissingError, ensureDir, writeFileAtomic } from '../../core/index.js';
import type { ParamStore } from '../nn/param-store.js';
import type { TwistModel } from '../models/index.js';
import { modelFor } from './model-for-config.js';
import { LocalTrainConfigSchema, type LocalTrainConfig } from './train-config.js';

/** `weights.json`: what `weights.bin` holds, tensor by tensor. */
export interface WeightsManifest {
  format: 'twist-weights-v0';
  /** Free-form description of the model (the run's config). */
  config: unknown;
  tensors: {
    name: string;
    shape: number[];
    dtype: 'float32' | 'int32';
    layout: string;
    offset: number;
    length: number;
  }[];
}

/**
 * Saves every parameter and buffer of `store` to `dir/weights.bin` (little-endian raw values) and
 * `dir/weights.json` (names, shapes, dtypes, byte ranges). Each file is replaced atomically, the
 * data first and the manifest last, so no file is ever half-written; an all-or-nothing commit of
 * several files is the sharded checkpoints' job. Names are the canonical torchvision/seed names;
 * `layout` says how the array differs from PyTorch's (HWIO conv filters, IO linear weights).
 * @throws IoError naming the directory or file that cannot be written.
 */
export async function saveWeights(store: ParamStore, dir: string, config: unknown): Promise<void> {
  await ensureDir(dir);
  const entries = [
    ...store.params.map((p) => ({ name: p.name, v: p.variable, layout: p.layout })),
    ...store.buffers.map((b) => ({ name: b.name, v: b.variable, layout: 'same' })),
  ];
  const chunks: Uint8Array[] = [];
  const tensors: WeightsManifest['tensors'] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.v.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    tensors.push({
      name: e.name,
      shape: [...e.v.shape],
      dtype: e.v.dtype === 'int32' ? 'int32' : 'float32',
      layout: e.layout,
      offset,
      length: bytes.length,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const bin = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    bin.set(c, o);
    o += c.length;
  }
  const manifest: WeightsManifest = { format: 'twist-weights-v0', config, tensors };
  await writeFileAtomic(path.join(dir, 'weights.bin'), bin);
  await writeFileAtomic(path.join(dir, 'weights.json'), JSON.stringify(manifest, null, 1));
}

/**
 * Loads weights saved by {@link saveWeights} into `store` (every tensor of the store must be there
 * with the same shape).
 * @throws DataFileMissingError / DataFileCorruptError naming the file and tensor at fault.
 */
export async function loadWeights(store: ParamStore, dir: string): Promise<WeightsManifest> {
  const jsonFile = path.join(dir, 'weights.json');
  const binFile = path.join(dir, 'weights.bin');
  let manifest: WeightsManifest;
  let bin: Buffer;
  try {
    manifest = JSON.parse(await readFile(jsonFile, 'utf8')) as WeightsManifest;
    bin = await readFile(binFile);
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new DataFileCorruptError(`${jsonFile}: not valid JSON (${err.message})`, { cause: err });
    throw new DataFileMissingError(`cannot read weights in ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (manifest.format !== 'twist-weights-v0')
    throw new DataFileCorruptError(`${jsonFile}: unknown format ${String(manifest.format)}`);
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  for (const e of [...store.params.map((p) => p.name), ...store.buffers.map((b) => b.name)]) {
    const t = byName.get(e);
    const v = store.get(e);
    if (!t) throw new DataFileCorruptError(`${jsonFile}: no tensor ${e}`);
    if (t.shape.join(',') !== v.shape.join(','))
      throw new DataFileCorruptError(
        `${jsonFile}: ${e} has shape [${t.shape.join(',')}], the model [${v.shape.join(',')}]`,
      );
    if (t.offset + t.length > bin.length || t.length !== v.size * 4)
      throw new DataFileCorruptError(`${binFile}: bytes of ${e} are out of range or of the wrong size`);
    const raw = bin.buffer.slice(bin.byteOffset + t.offset, bin.byteOffset + t.offset + t.length);
    const values = t.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, t.dtype)));
  }
  return manifest;
}

/**
 * Rebuilds the model a run directory was trained with (from the config in `weights.json`) and loads
 * its weights.
 * @throws DataFileMissingError / DataFileCorruptError naming the file, including a config that does
 * not describe a model.
 */
export async function loadTrainedModel(
  dir: string,
): Promise<{ model: TwistModel; config: LocalTrainConfig }> {
  const jsonFile = path.join(dir, 'weights.json');
  let raw: unknown;
  try {
    raw = (JSON.parse(await readFile(jsonFile, 'utf8')) as WeightsManifest).config;
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new DataFileCorruptError(`${jsonFile}: not valid JSON (${err.message})`, { cause: err });
    throw new DataFileMissingError(`no weights in ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = LocalTrainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataFileCorruptError(`${jsonFile}: config.${issue.path.join('.')}: ${issue.message}`);
  }
  const model = modelFor(parsed.data);
  try {
    await loadWeights(model.store, dir);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, config: parsed.data };
}
