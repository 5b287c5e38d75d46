import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DataFileCorruptError, DataFileMissingError, InvalidArgumentError, IoError } from '../core/index.js';
import { piecesIn, type FlatLayout } from './flat-layout.js';
import type { StateTensor } from '../twist/index.js';

/** Files are written and hashed in pieces of this size. */
const IO_CHUNK = 8 << 20;

/**
 * Copies the flat byte range `[start, end)` of `tensors` (in `layout`'s order) into one new buffer:
 * the host copy a trainer makes before returning to training. Alignment padding is zero.
 * @throws InvalidArgumentError when a tensor is missing or has another size than the layout's.
 */
export function snapshotRange(
  layout: FlatLayout,
  tensors: ReadonlyMap<string, StateTensor>,
  start: number,
  end: number,
): Uint8Array {
  const out = new Uint8Array(end - start);
  const sizes = new Map(layout.entries.map((e) => [e.name, e.bytes]));
  for (const p of piecesIn(layout, start, end)) {
    const t = tensors.get(p.name);
    if (!t) throw new InvalidArgumentError(`checkpoint: no tensor ${p.name} in the state to save`);
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (src.byteLength !== sizes.get(p.name))
      throw new InvalidArgumentError(
        `checkpoint: tensor ${p.name} changed size since the layout was planned`,
      );
    out.set(src.subarray(p.tensorOffset, p.tensorOffset + p.bytes), p.flatOffset - start);
  }
  return out;
}

/**
 * Writes `bytes` to `dir/file` durably and atomically: a temporary name, fsync, rename. The SHA-256
 * is computed while writing.
 * @returns the hex SHA-256 of the bytes.
 * @throws IoError naming the file; the temporary file is removed.
 */
export async function writeShardFile(dir: string, file: string, bytes: Uint8Array): Promise<string> {
  const target = path.join(dir, file);
  const tmp = path.join(dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  try {
    const fh = await open(tmp, 'w');
    try {
      for (let o = 0; o < bytes.length; o += IO_CHUNK) {
        const chunk = bytes.subarray(o, Math.min(bytes.length, o + IO_CHUNK));
        const pending = fh.write(chunk, 0, chunk.length, o);
        hash.update(chunk);
        const { bytesWritten } = await pending;
        if (bytesWritten !== chunk.length)
          await fh.write(chunk, bytesWritten, chunk.length - bytesWritten, o + bytesWritten);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new IoError(`cannot write the checkpoint shard ${target}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return hash.digest('hex');
}

/**
 * Reads a whole shard file and checks its size and SHA-256.
 * @throws DataFileMissingError when it cannot be read; DataFileCorruptError naming the file when
 * its size or checksum is not the manifest's.
 */
export async function readVerifiedShard(file: string, bytes: number, sha256: string): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size !== bytes)
        throw new DataFileCorruptError(
          `checkpoint shard ${file} has ${size} bytes, the manifest says ${bytes}`,
        );
      data = new Uint8Array(bytes);
      for (let o = 0; o < bytes;) {
        const { bytesRead } = await fh.read(data, o, Math.min(IO_CHUNK, bytes - o), o);
        if (bytesRead === 0)
          throw new DataFileCorruptError(`checkpoint shard ${file} ended at byte ${o} of ${bytes}`);
        o += bytesRead;
      }
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof DataFileCorruptError) throw err;
    throw new DataFileMissingError(`checkpoint shard ${file} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== sha256)
    throw new DataFileCorruptError(
      `checkpoint shard ${file} fails its checksum (sha256 ${actual}, manifest ${sha256})`,
    );
  return data;
}
