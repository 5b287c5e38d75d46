import { Worker } from 'node:worker_threads';
import { IoError } from '../core/index.js';
import { shardFileName } from './checkpoint-dir.js';
import {
  beginCheckpoint,
  commitCheckpoint,
  DEFAULT_KEEP,
  type CheckpointInfo,
  type ShardAck,
} from './commit.js';
import { planLayout, splitRanges } from './flat-layout.js';
import { snapshotRange } from './shard-file.js';
import type { ShardWriteReply, ShardWriteRequest } from './shard-writer-worker.js';
import type { StateTensor } from '../twist/index.js';

export interface AsyncSaverOptions {
  /** Shards per save, each written by its own worker thread; default 1. */
  writers?: number;
  /** Committed checkpoints kept; default 3. */
  keep?: number;
}

export interface AsyncSaveTicket {
  /** Seconds the caller was held: waiting for the previous save, plus the host copy. */
  stallSeconds: number;
  /** Resolves to the committed directory when this save is durable and LATEST points to it. */
  committed: Promise<string>;
}

/** One worker thread writing shard files. */
class ShardWriterThread {
  private readonly worker = new Worker(new URL('./shard-writer-worker.js', import.meta.url));
  private readonly pending = new Map<
    number,
    { resolve: (sha: string) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor() {
    this.worker.on('message', (r: ShardWriteReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if ('error' in r) p?.reject(new IoError(r.error));
      else p?.resolve(r.sha256);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) =>
      this.failAll(new IoError(`checkpoint writer thread exited with code ${code}`)),
    );
  }

  /** Writes `bytes` (transferred: the caller loses them) to `dir/file`; resolves to its SHA-256. */
  write(dir: string, file: string, bytes: Uint8Array): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, dir, file, bytes } satisfies ShardWriteRequest, [
        bytes.buffer as ArrayBuffer,
      ]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/**
 * Asynchronous checkpointing for a trainer: {@link save} copies the state to host memory (one
 * buffer per shard) and returns; worker threads write and fsync the shards, then the commit
 * protocol of {@link commitCheckpoint} runs. One save is in flight at a time: a save called while
 * another is writing waits for it (that wait counts as stall). A failed background save leaves the
 * previous LATEST and is thrown by the next {@link save} or {@link flush}.
 */
export class AsyncCheckpointSaver {
  private readonly writers: number;
  private readonly keep: number;
  private threads: ShardWriterThread[] = [];
  private inFlight: Promise<string> | undefined;
  private closed = false;

  constructor(
    readonly root: string,
    opts: AsyncSaverOptions = {},
  ) {
    this.writers = opts.writers ?? 1;
    this.keep = opts.keep ?? DEFAULT_KEEP;
  }

  /**
   * Snapshots `tensors` and starts writing checkpoint `step-<info.step>`.
   * @throws the previous background save's error; InvalidArgumentError on a bad state; IoError
   * after {@link close}.
   */
  async save(tensors: readonly StateTensor[], info: CheckpointInfo): Promise<AsyncSaveTicket> {
    if (this.closed) throw new IoError(`checkpoint saver for ${this.root} is closed`);
    const t0 = performance.now();
    await this.flush();
    const layout = planLayout(tensors);
    const byName = new Map(tensors.map((t) => [t.name, t]));
    const n = this.writers;
    const buffers = splitRanges(layout.totalBytes, n).map(([s, e]) => snapshotRange(layout, byName, s, e));
    const stallSeconds = (performance.now() - t0) / 1000;
    if (this.threads.length === 0) this.threads = Array.from({ length: n }, () => new ShardWriterThread());
    const committed = (async () => {
      const staging = await beginCheckpoint(this.root, info.step);
      const ranges = splitRanges(layout.totalBytes, n);
      const acks: ShardAck[] = await Promise.all(
        buffers.map(async (bytes, rank) => {
          const file = shardFileName(rank, n);
          const sha256 = await this.threads[rank]!.write(staging, file, bytes);
          const [start, end] = ranges[rank]!;
          return { rank, file, start, end, sha256 };
        }),
      );
      return commitCheckpoint(this.root, staging, layout, acks, { ...info, keep: this.keep });
    })();
    this.inFlight = committed;
    // Handled here so that an unawaited ticket is no unhandled rejection; flush() rethrows it.
    committed.catch(() => undefined);
    return { stallSeconds, committed };
  }

  /**
   * Waits for the save in flight.
   * @returns its committed directory (undefined when none was in flight).
   * @throws its error, once.
   */
  async flush(): Promise<string | undefined> {
    const p = this.inFlight;
    this.inFlight = undefined;
    return p ? await p : undefined;
  }

  /** Waits for the save in flight (its error is thrown) and stops the writer threads; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await Promise.all(this.threads.map((t) => t.close()));
      this.threads = [];
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
