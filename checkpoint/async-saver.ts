import { Worker } from 'node:worker_threads';
import { IoError, type StateTensor } from '../core/index.js';
import type { SaveReply, SaveRequest } from './checkpoint-writer-worker.js';
import { DEFAULT_KEEP, type CheckpointInfo } from './commit.js';
import { planLayout, splitRanges } from './flat-layout.js';
import { snapshotRange } from './shard-file.js';

export interface AsyncSaverOptions {
  /** Shards per save, written in parallel; default 1. */
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

/**
 * Asynchronous checkpointing for a trainer: {@link save} copies the state to host memory (one
 * buffer per shard, reused from save to save) and returns; a worker thread writes and fsyncs the
 * shards in parallel and runs the commit protocol of {@link commitCheckpoint}, so the trainer's
 * thread is free until the next save. One save is in flight at a time: a save called while another
 * is writing waits for it (that wait counts as stall). A failed background save leaves the
 * previous LATEST and is thrown by the next {@link save} or {@link flush}.
 */
export class AsyncCheckpointSaver {
  private readonly writers: number;
  private readonly keep: number;
  private worker: Worker | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (dir: string) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private spares: Uint8Array[] = [];
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
    // Buffers handed back by the writer are reused: fresh memory costs page faults on every save.
    const buffers = splitRanges(layout.totalBytes, this.writers).map(([s, e], rank) => {
      const spare = this.spares[rank];
      return snapshotRange(layout, byName, s, e, spare?.length === e - s ? spare : undefined);
    });
    this.spares = [];
    const stallSeconds = (performance.now() - t0) / 1000;
    const worker = this.start();
    const id = this.nextId++;
    const committed = new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(
        { id, root: this.root, layout, buffers, info: { ...info, keep: this.keep } } satisfies SaveRequest,
        buffers.map((b) => b.buffer as ArrayBuffer),
      );
    });
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

  /** Waits for the save in flight (its error is thrown) and stops the writer thread; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.worker?.terminate();
      this.worker = undefined;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./checkpoint-writer-worker.js', import.meta.url));
    worker.on('message', (r: SaveReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      this.spares = r.buffers;
      if ('error' in r) p?.reject(new IoError(r.error));
      else p?.resolve(r.dir);
    });
    const failAll = (err: Error): void => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new IoError(`checkpoint writer thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
