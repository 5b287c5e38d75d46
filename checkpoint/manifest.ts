import path from 'node:path';
import { z } from 'zod';
import { DataFileCorruptError, dtypeBytes, STATE_DTYPES, readJsonFile } from '../core/index.js';
import { splitRanges, type FlatEntry, type FlatLayout } from './flat-layout.js';

export const MANIFEST_FILE = 'manifest.json';
export const CHECKPOINT_FORMAT = 'twist-checkpoint';
export const CHECKPOINT_VERSION = 1;

const count = z.number().int().nonnegative();

const ShardSchema = z.object({
  file: z.string().regex(/^shard-\d{5}-of-\d{5}\.bin$/),
  rank: count,
  /** The flat byte range the shard holds. */
  start: count,
  end: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const TensorSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(STATE_DTYPES),
  shape: z.array(count),
  layout: z.string(),
  offset: count,
  bytes: count,
  /** Where the tensor's bytes are: shard index, offset in the shard file, length. */
  pieces: z.array(z.object({ shard: count, offset: count, length: count })),
});

export const ManifestSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  step: count,
  epoch: count,
  createdAt: z.string(),
  worldSize: z.number().int().positive(),
  totalBytes: count,
  /** The run's configuration, as the trainer parsed it. */
  config: z.unknown(),
  /** Small facts of the run's position (step in epoch...), free-form. */
  meta: z.record(z.string(), z.unknown()),
  shards: z.array(ShardSchema),
  tensors: z.array(TensorSchema),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestShard = Manifest['shards'][number];

/** The manifest's tensors as a flat layout. */
export function layoutOf(m: Manifest): FlatLayout {
  const entries: FlatEntry[] = m.tensors.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    layout: t.layout,
    offset: t.offset,
    bytes: t.bytes,
  }));
  return { entries, totalBytes: m.totalBytes };
}

/**
 * Reads and validates `dir/manifest.json`: the schema, then that shards tile the flat state in rank
 * order as {@link splitRanges} cuts it, and that every tensor's size matches its shape and its
 * pieces lie inside its shards.
 * @throws DataFileMissingError when there is no manifest; DataFileCorruptError naming the file and
 * the field at fault.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  const m = await readJsonFile(file, ManifestSchema);
  const bad = (what: string): never => {
    throw new DataFileCorruptError(`${file}: ${what}`);
  };
  if (m.shards.length !== m.worldSize) bad(`${m.shards.length} shards for world size ${m.worldSize}`);
  const ranges = splitRanges(m.totalBytes, m.worldSize);
  m.shards.forEach((s, i) => {
    const [start, end] = ranges[i]!;
    if (s.rank !== i || s.start !== start || s.end !== end)
      bad(`shards.${i} (${s.file}) covers [${s.start}, ${s.end}), expected rank ${i} [${start}, ${end})`);
  });
  for (const [i, t] of m.tensors.entries()) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n * dtypeBytes(t.dtype) !== t.bytes)
      bad(`tensors.${i} (${t.name}): ${t.bytes} bytes for ${t.dtype}[${t.shape.join(',')}]`);
    if (t.offset + t.bytes > m.totalBytes)
      bad(`tensors.${i} (${t.name}) ends past the state's ${m.totalBytes} bytes`);
    let covered = 0;
    for (const p of t.pieces) {
      const s = m.shards[p.shard];
      if (!s || p.offset + p.length > s.end - s.start)
        bad(`tensors.${i} (${t.name}): piece in shard ${p.shard} at ${p.offset}+${p.length} is outside it`);
      covered += p.length;
    }
    if (covered !== t.bytes) bad(`tensors.${i} (${t.name}): pieces hold ${covered} of its ${t.bytes} bytes`);
  }
  return m;
}
