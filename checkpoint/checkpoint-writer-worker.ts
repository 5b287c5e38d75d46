/**
 * Worker thread of {@link AsyncCheckpointSaver}: runs a whole save — the shards written in
 * parallel, hashed, fsynced, then the commit and the removal of old checkpoints — so that the
 * trainer's thread is never needed between its steps.
 */
import { parentPort } from 'node:worker_threads';
import { beginCheckpoint, commitCheckpoint, type CheckpointInfo } from './commit.js';
import type { FlatLayout } from './flat-layout.js';
import { writeShard } from './save.js';

export interface SaveRequest {
  id: number;
  root: string;
  layout: FlatLayout;
  /** Shard r's bytes for r = 0..N-1 (transferred, and handed back in the reply). */
  buffers: Uint8Array[];
  info: CheckpointInfo & { keep: number };
}

export type SaveReply =
  { id: number; dir: string; buffers: Uint8Array[] } | { id: number; error: string; buffers: Uint8Array[] };

parentPort!.on('message', (m: SaveRequest) => {
  const run = async (): Promise<string> => {
    const staging = await beginCheckpoint(m.root, m.info.step);
    const n = m.buffers.length;
    const acks = await Promise.all(m.buffers.map((b, rank) => writeShard(staging, m.layout, rank, n, b)));
    const { dir, cleanup } = await commitCheckpoint(m.root, staging, m.layout, acks, m.info);
    await cleanup;
    return dir;
  };
  const back = m.buffers.map((b) => b.buffer as ArrayBuffer);
  run().then(
    (dir) => parentPort!.postMessage({ id: m.id, dir, buffers: m.buffers } satisfies SaveReply, back),
    (err: unknown) =>
      parentPort!.postMessage(
        { id: m.id, error: (err as Error).message, buffers: m.buffers } satisfies SaveReply,
        back,
      ),
  );
});
