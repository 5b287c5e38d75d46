/**
 * Worker thread of {@link AsyncCheckpointSaver}: writes shard files (and hashes them) off the
 * trainer's thread.
 */
import { parentPort } from 'node:worker_threads';
import { writeShardFile } from './shard-file.js';

export interface ShardWriteRequest {
  id: number;
  dir: string;
  file: string;
  bytes: Uint8Array;
}

export type ShardWriteReply = { id: number; sha256: string } | { id: number; error: string };

parentPort!.on('message', (m: ShardWriteRequest) => {
  writeShardFile(m.dir, m.file, m.bytes).then(
    (sha256) => parentPort!.postMessage({ id: m.id, sha256 } satisfies ShardWriteReply),
    (err: unknown) =>
      parentPort!.postMessage({ id: m.id, error: (err as Error).message } satisfies ShardWriteReply),
  );
});
