import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, InvalidArgumentError, IoError, writeFileAtomic } from '../core/index.js';
import {
  isReplacedDirName,
  isStagingDirName,
  replacedDirName,
  LATEST_FILE,
  listStepDirs,
  shardFileName,
  stagingDirName,
  stepDirName,
} from './checkpoint-dir.js';
import { splitRanges, type FlatLayout } from './flat-layout.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, MANIFEST_FILE, type Manifest } from './manifest.js';

/** A writer's report that its shard is durable. */
export interface ShardAck {
  rank: number;
  file: string;
  start: number;
  end: number;
  sha256: string;
}

/** What the manifest says besides the tensors. */
export interface CheckpointInfo {
  step: number;
  epoch: number;
  config: unknown;
  meta?: Record<string, unknown>;
}

/** Default number of committed checkpoints kept. */
export const DEFAULT_KEEP = 3;

/**
 * Starts a save of `step` under `root`: removes staging directories of saves that never committed
 * (one save is in flight at a time), then creates a fresh staging directory (a hidden name that no
 * reader takes for a checkpoint) where the writers put their shards.
 * @returns the staging directory's path.
 * @throws IoError when the directory cannot be created.
 */
export async function beginCheckpoint(root: string, step: number): Promise<string> {
  const stale = await readdir(root).then(
    (names) => names.filter(isStagingDirName),
    () => [],
  );
  await Promise.all(stale.map((d) => rm(path.join(root, d), { recursive: true, force: true })));
  const dir = path.join(root, stagingDirName(step));
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new IoError(`cannot create the checkpoint directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return dir;
}

/** The manifest of a save whose shards `acks` are durable. @throws InvalidArgumentError on acks that do not tile the state. */
export function buildManifest(layout: FlatLayout, acks: readonly ShardAck[], info: CheckpointInfo): Manifest {
  const n = acks.length;
  const ranges = splitRanges(layout.totalBytes, Math.max(n, 1));
  const shards = [...acks].sort((a, b) => a.rank - b.rank);
  shards.forEach((a, i) => {
    const [start, end] = ranges[i]!;
    if (a.rank !== i || a.start !== start || a.end !== end || a.file !== shardFileName(i, n))
      throw new InvalidArgumentError(
        `checkpoint: shard ack of rank ${a.rank} (${a.file}, [${a.start}, ${a.end})) does not match rank ${i} of ${n} ([${start}, ${end}))`,
      );
  });
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: info.step,
    epoch: info.epoch,
    createdAt: new Date().toISOString(),
    worldSize: n,
    totalBytes: layout.totalBytes,
    config: info.config,
    meta: info.meta ?? {},
    shards: shards.map(({ file, rank, start, end, sha256 }) => ({ file, rank, start, end, sha256 })),
    tensors: layout.entries.map((e) => {
      const pieces: Manifest['tensors'][number]['pieces'] = [];
      for (const [i, s] of shards.entries()) {
        const a = Math.max(s.start, e.offset);
        const b = Math.min(s.end, e.offset + e.bytes);
        if (b > a) pieces.push({ shard: i, offset: a - s.start, length: b - a });
      }
      return { ...e, pieces };
    }),
  };
}

/**
 * Commits a save once every shard is acknowledged: writes the manifest into the staging directory
 * (temporary name, fsync, rename, fsync of the directory), renames the directory to `step-<n>`,
 * fsyncs the root, then moves `LATEST` the same way. Only then are checkpoints beyond the newest
 * `keep` removed, in the background: `cleanup` settles when they are gone (it never rejects; a
 * checkpoint that cannot be removed is retried at the next commit). A failure anywhere before
 * LATEST moves leaves the previous LATEST.
 * An existing `step-<n>` (a save of the same step after resuming from an older checkpoint) is first
 * renamed aside; if it was LATEST, a crash in the two renames' window leaves LATEST naming a missing
 * directory, and {@link resolveCheckpoint} takes the newest valid one.
 * @returns the committed directory and the removal of old checkpoints.
 * @throws InvalidArgumentError on acks that do not tile the state; IoError on a file system failure.
 */
export async function commitCheckpoint(
  root: string,
  staging: string,
  layout: FlatLayout,
  acks: readonly ShardAck[],
  info: CheckpointInfo & { keep?: number },
): Promise<{ dir: string; cleanup: Promise<void> }> {
  const manifest = buildManifest(layout, acks, info);
  const name = stepDirName(info.step);
  const final = path.join(root, name);
  await writeFileAtomic(path.join(staging, MANIFEST_FILE), JSON.stringify(manifest));
  try {
    await rename(final, path.join(root, replacedDirName(info.step))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(staging, final);
    await fsyncDir(root);
  } catch (err) {
    throw new IoError(`cannot commit the checkpoint ${final}: ${(err as Error).message}`, { cause: err });
  }
  await writeFileAtomic(path.join(root, LATEST_FILE), `${name}\n`);
  const cleanup = prune(root, info.keep ?? DEFAULT_KEEP, name).catch(() => undefined);
  return { dir: final, cleanup };
}

/** Removes step directories beyond the newest `keep` (never `latest`) and directories set aside by a commit. */
async function prune(root: string, keep: number, latest: string): Promise<void> {
  const steps = await listStepDirs(root);
  const doomed = steps
    .slice(Math.max(keep, 1))
    .filter((s) => s.name !== latest)
    .map((s) => s.name);
  doomed.push(...(await readdir(root)).filter(isReplacedDirName));
  await Promise.all(doomed.map((d) => rm(path.join(root, d), { recursive: true, force: true })));
}
