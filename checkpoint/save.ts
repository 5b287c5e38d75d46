import { type StateTensor } from '../core/index.js';
import { beginCheckpoint, commitCheckpoint, type CheckpointInfo, type ShardAck } from './commit.js';
import { shardFileName } from './checkpoint-dir.js';
import { planLayout, splitRanges, type FlatLayout } from './flat-layout.js';
import { rangeViews } from './shard-file.js';
import { writeShardFile } from './shard-io.js';

export interface SaveOptions extends CheckpointInfo {
  /** Number of shards written in parallel (the world size of the save); default 1. */
  writers?: number;
  /** Committed checkpoints kept; default 3. */
  keep?: number;
}

export interface SaveReport {
  dir: string;
  bytes: number;
  /** Until LATEST moved. */
  seconds: number;
  /** Settles when checkpoints beyond `keep` are removed (never rejects). */
  cleanup: Promise<void>;
}

/**
 * Writes shard `rank` of `n` (the range {@link splitRanges} gives it; `bytes` its contents, one
 * buffer or a list of views) into `staging`; returns its ack.
 */
export async function writeShard(
  staging: string,
  layout: FlatLayout,
  rank: number,
  n: number,
  bytes: Uint8Array | readonly Uint8Array[],
): Promise<ShardAck> {
  const [start, end] = splitRanges(layout.totalBytes, n)[rank]!;
  const file = shardFileName(rank, n);
  const sha256 = await writeShardFile(staging, file, bytes);
  return { rank, file, start, end, sha256 };
}

/**
 * Saves `tensors` as checkpoint `step-<step>` under `root`, in `writers` shards written in parallel
 * from this process straight from the tensors' memory (no copy: they must not change until this
 * resolves; {@link AsyncCheckpointSaver} copies and returns), then commits it (see
 * {@link commitCheckpoint}).
 * @throws InvalidArgumentError on a bad state; IoError on a file system failure (the previous
 * LATEST stays).
 */
export async function saveCheckpoint(
  root: string,
  tensors: readonly StateTensor[],
  opts: SaveOptions,
): Promise<SaveReport> {
  const t0 = performance.now();
  const n = opts.writers ?? 1;
  const layout = planLayout(tensors);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const staging = await beginCheckpoint(root, opts.step);
  const acks = await Promise.all(
    splitRanges(layout.totalBytes, n).map(([start, end], rank) =>
      writeShard(staging, layout, rank, n, rangeViews(layout, byName, start, end)),
    ),
  );
  const { dir, cleanup } = await commitCheckpoint(root, staging, layout, acks, opts);
  return { dir, bytes: layout.totalBytes, seconds: (performance.now() - t0) / 1000, cleanup };
}
