import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  DataFileCorruptError,
  DataFileMissingError,
  ensureDir,
  IoError,
  readJsonFile,
  writeFileAtomic,
} from '../core/index.js';
import {
  LocalTrainConfigSchema,
  modelFor,
  type LocalTrainConfig,
  type ParamStore,
  type TwistModel,
} from '../twist/index.js';
import type { ExportPart } from './torch-state-dict.js';

/** tfjs's usual weight shard size. */
const SHARD_BYTES = 4 << 20;
export const TFJS_FORMAT = 'twist-tfjs';

const ModelJsonSchema = z.object({
  format: z.literal(TFJS_FORMAT),
  generatedBy: z.string(),
  convertedBy: z.string().nullable(),
  modelTopology: z.object({ part: z.enum(['backbone', 'full']), config: LocalTrainConfigSchema }),
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string().regex(/^group1-shard\d+of\d+\.bin$/)),
      weights: z.array(
        z.object({
          name: z.string(),
          shape: z.array(z.number().int().nonnegative()),
          dtype: z.enum(['float32', 'int32']),
        }),
      ),
    }),
  ),
});

/**
 * Writes the model as a TF.js artifact directory `outDir`: `model.json` (tfjs's `weightsManifest`
 * with the seed's tensor names, tfjs layouts — HWIO filters, [in, out] dense weights — and the run's
 * config as `modelTopology`) and `group1-shardKofN.bin` files of at most 4 MiB. `tf.io.decodeWeights`
 * reads the weights; {@link loadTfjsExport} rebuilds the model. The directory appears whole: it is
 * written under a temporary name and renamed; an existing `outDir` is replaced.
 * @throws IoError naming the path.
 */
export async function exportTfjs(
  store: ParamStore,
  part: ExportPart,
  config: LocalTrainConfig,
  outDir: string,
): Promise<void> {
  const keep = (n: string): boolean => part === 'full' || n.startsWith('backbone.');
  const tensors = [...store.params, ...store.buffers].filter((e) => keep(e.name));
  const specs = tensors.map((e) => ({
    name: e.name,
    shape: [...e.variable.shape],
    dtype: e.variable.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
  }));
  const total = tensors.reduce((n, e) => n + e.variable.size * 4, 0);
  const bin = new Uint8Array(total);
  let o = 0;
  for (const e of tensors) {
    const d = e.variable.dataSync() as Float32Array | Int32Array;
    bin.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), o);
    o += d.byteLength;
  }
  const count = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  const modelJson: z.infer<typeof ModelJsonSchema> = {
    format: TFJS_FORMAT,
    generatedBy: 'twist-cluster',
    convertedBy: null,
    modelTopology: { part, config },
    weightsManifest: [{ paths, weights: specs }],
  };
  const parent = path.dirname(path.resolve(outDir));
  const tmp = path.join(parent, `.${path.basename(outDir)}.${process.pid}.${Date.now()}.tmp`);
  const old = `${tmp}.old`;
  await ensureDir(tmp);
  try {
    for (const [i, p] of paths.entries())
      await writeFileAtomic(path.join(tmp, p), bin.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
    await writeFileAtomic(path.join(tmp, 'model.json'), JSON.stringify(modelJson));
    await rename(outDir, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(tmp, outDir);
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err instanceof IoError
      ? err
      : new IoError(`cannot write the tfjs export ${outDir}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads a directory written by {@link exportTfjs}: rebuilds the model from the recorded config and
 * loads the weights (for `backbone` exports, only the backbone's; the head keeps its initial values).
 * @throws DataFileMissingError / DataFileCorruptError naming the file, field or tensor.
 */
export async function loadTfjsExport(
  dir: string,
): Promise<{ model: TwistModel; part: ExportPart; config: LocalTrainConfig }> {
  const file = path.join(dir, 'model.json');
  const json = await readJsonFile(file, ModelJsonSchema);
  const group = json.weightsManifest[0];
  if (!group) throw new DataFileCorruptError(`${file}: weightsManifest is empty`);
  const parts: Uint8Array[] = [];
  for (const p of group.paths) {
    try {
      parts.push(await readFile(path.join(dir, p)));
    } catch (err) {
      throw new DataFileMissingError(`${path.join(dir, p)}: cannot read (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
  const bytes = Buffer.concat(parts);
  const need = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bytes.length !== need)
    throw new DataFileCorruptError(
      `${dir}: the weight shards hold ${bytes.length} bytes, model.json describes ${need}`,
    );
  const weights = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    group.weights,
  );
  const model = modelFor(json.modelTopology.config);
  try {
    for (const e of [...model.store.params, ...model.store.buffers]) {
      const w = weights[e.name];
      if (!w) {
        if (json.modelTopology.part === 'backbone' && !e.name.startsWith('backbone.')) continue;
        throw new DataFileCorruptError(`${file}: no weight ${e.name}`);
      }
      if (w.shape.join(',') !== e.variable.shape.join(','))
        throw new DataFileCorruptError(
          `${file}: ${e.name} has shape [${w.shape.join(',')}], the model [${e.variable.shape.join(',')}]`,
        );
      e.variable.assign(w);
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose(weights);
  }
  return { model, part: json.modelTopology.part, config: json.modelTopology.config };
}
