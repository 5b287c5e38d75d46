import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataFileCorruptError, DataFileMissingError, viewOf, type StateTensor } from '../core/index.js';
import { listStepDirs, readLatest } from './checkpoint-dir.js';
import { piecesIn, splitRanges, type FlatLayout, type TensorPiece } from './flat-layout.js';
import { layoutOf, MANIFEST_FILE, readManifest, type Manifest } from './manifest.js';
import { readVerifiedShard } from './shard-io.js';

/** A committed checkpoint: its directory, manifest and flat layout. */
export interface Checkpoint {
  dir: string;
  manifest: Manifest;
  layout: FlatLayout;
}

/**
 * Opens and validates the manifest of the checkpoint directory `dir` (shards are checked when read).
 * @throws DataFileMissingError / DataFileCorruptError naming the file and field.
 */
export async function openCheckpoint(dir: string): Promise<Checkpoint> {
  const manifest = await readManifest(dir);
  return { dir, manifest, layout: layoutOf(manifest) };
}

/**
 * Reads the flat byte range `[start, end)` of a checkpoint: every shard it overlaps is read whole
 * and its size and SHA-256 checked first.
 * @throws DataFileMissingError / DataFileCorruptError naming the shard file.
 */
export async function readFlatRange(ck: Checkpoint, start: number, end: number): Promise<Uint8Array> {
  const out = new Uint8Array(end - start);
  const shards = ck.manifest.shards.filter((s) => s.end > start && s.start < end && s.end > s.start);
  await Promise.all(
    shards.map(async (s) => {
      const file = path.join(ck.dir, s.file);
      // A shard inside the range is read straight into place; one that straddles it, whole then cut.
      if (s.start >= start && s.end <= end)
        return void (await readVerifiedShard(
          file,
          s.end - s.start,
          s.sha256,
          out.subarray(s.start - start, s.end - start),
        ));
      const data = await readVerifiedShard(file, s.end - s.start, s.sha256);
      const a = Math.max(start, s.start);
      const b = Math.min(end, s.end);
      out.set(data.subarray(a - s.start, b - s.start), a - start);
    }),
  );
  return out;
}

/** What one rank of a world of `worldSize` loads: its byte range of the flat state and the tensor pieces in it. */
export interface RankSlice {
  start: number;
  end: number;
  bytes: Uint8Array;
  pieces: TensorPiece[];
}

/**
 * Loads rank `rank`'s share of the checkpoint at world size `worldSize`, whatever world size saved
 * it (N → M resharding): the same nearly equal byte split as the save.
 * @throws DataFileMissingError / DataFileCorruptError naming the shard file.
 */
export async function loadRankSlice(ck: Checkpoint, rank: number, worldSize: number): Promise<RankSlice> {
  const [start, end] = splitRanges(ck.layout.totalBytes, worldSize)[rank]!;
  return { start, end, bytes: await readFlatRange(ck, start, end), pieces: piecesIn(ck.layout, start, end) };
}

/**
 * Loads every tensor of a checkpoint (all shards verified); the tensors are views of one buffer.
 * @throws DataFileMissingError / DataFileCorruptError naming the shard file.
 */
export async function loadState(ck: Checkpoint): Promise<StateTensor[]> {
  const flat = await readFlatRange(ck, 0, ck.layout.totalBytes);
  return ck.layout.entries.map((e) => ({
    name: e.name,
    dtype: e.dtype,
    shape: e.shape,
    layout: e.layout,
    data: viewOf(e.dtype, flat.subarray(e.offset, e.offset + e.bytes)),
  }));
}

/** A checkpoint checked completely (manifest, every shard's size and checksum) and its tensors. */
export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  state: StateTensor[];
}

/**
 * Opens `dir` and loads every tensor: reading all shards is what checks them, so the state comes
 * with the verification at no extra cost.
 * @throws DataFileMissingError / DataFileCorruptError naming the file, field or shard.
 */
export async function loadVerifiedCheckpoint(dir: string): Promise<VerifiedCheckpoint> {
  const checkpoint = await openCheckpoint(dir);
  return { checkpoint, state: await loadState(checkpoint) };
}

/** Checks a checkpoint completely: manifest and every shard's size and checksum. */
export async function verifyCheckpoint(dir: string): Promise<Checkpoint> {
  return (await loadVerifiedCheckpoint(dir)).checkpoint;
}

export interface ResolvedCheckpoint extends VerifiedCheckpoint {
  /** Set when LATEST (or a newer directory) failed validation and an older checkpoint was taken. */
  fellBack?: { from: string; reason: string }[];
}

/**
 * Finds the checkpoint to load from `target`: a checkpoint directory itself (it has a manifest), or
 * a checkpoint root (a run directory), where LATEST is taken if it validates completely, else the
 * newest `step-<n>` that does, with the reasons the others were passed over. The chosen
 * checkpoint's tensors come with it (validating read them all).
 * @throws DataFileMissingError when there is no valid checkpoint (every reason listed);
 * DataFileCorruptError when `target` is a checkpoint directory that fails validation.
 */
export async function resolveCheckpoint(target: string): Promise<ResolvedCheckpoint> {
  if (existsSync(path.join(target, MANIFEST_FILE))) return loadVerifiedCheckpoint(target);
  const latest = await readLatest(target);
  const dirs = (await listStepDirs(target)).map((d) => d.name);
  const order = latest ? [latest, ...dirs.filter((d) => d !== latest)] : dirs;
  const fellBack: { from: string; reason: string }[] = [];
  for (const name of order) {
    const dir = path.join(target, name);
    try {
      const verified = await loadVerifiedCheckpoint(dir);
      return fellBack.length ? { ...verified, fellBack } : verified;
    } catch (err) {
      if (!(err instanceof DataFileCorruptError || err instanceof DataFileMissingError)) throw err;
      fellBack.push({ from: dir, reason: err.message });
    }
  }
  const why = fellBack.map((f) => `\n  ${f.reason}`).join('');
  throw new DataFileMissingError(
    `no valid checkpoint in ${target}${why || ' (no LATEST, no step-<n> directory)'}`,
  );
}
