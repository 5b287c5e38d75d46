import { Worker } from 'node:worker_threads';
import { CollectiveError, InvalidArgumentError, type TlsFiles } from '../core/index.js';
import type { BucketLayout } from './buckets.js';
import type { DataPlane, ReduceOp } from './communicator.js';
import { checkSpinMs, NativeRing, nativeRingError, type NativeRingFailure } from './native-ring.js';
import { allGatherPlan } from './ring-plan.js';

/** States of the shared control word of a blocking sum. */
export const SumState = { IDLE: 0, PENDING: 1, DONE: 2, FAILED: 3 } as const;
/** Bytes kept for a failed sum's message. */
const ERROR_BYTES = 4096;
/**
 * The shared control words: the blocking sum's state, its error's length, and how many bulk
 * requests the thread has queued on the ring (a blocking sum on the native link waits for the
 * earlier ones to be queued first); then the error's bytes.
 */
export const Control = { STATE: 0, ERROR_LENGTH: 1, QUEUED: 2, WORDS: 4 } as const;
/** Chunk of the blocking sums' all-gather on the native link (elements). */
const SUM_CHUNK_ELEMS = 1 << 18;

export interface CollectiveThreadOptions {
  /** Interface the thread's collective server binds (default 127.0.0.1). */
  host?: string;
  /** The cluster token the peers' servers require, and mutual TLS files (default none). */
  token?: string;
  tls?: TlsFiles;
  /** Progress watchdog of the ring, and the longest one blocking `sum` may take (default 60 s). */
  timeoutMs?: number;
  /**
   * How long a blocking sum or gather (on the native data plane) polls for the other ranks' parts
   * without sleeping before it sleeps, in ms (default {@link DEFAULT_SPIN_MS}; 0: sleep at once).
   * Its thread is blocked anyway; it yields the CPU to any other runnable thread between polls.
   */
  spinMs?: number;
}

/**
 * The default {@link CollectiveThreadOptions.spinMs}: 20 ms covers most of a training step's
 * waits (a forward BatchNorm meeting waits 0.3-6 ms, the sum after the backward tens of ms). A vCPU
 * that halts in each of a step's ~50 waits runs the kernels after them slower (README, Collectives).
 */
export const DEFAULT_SPIN_MS = 20;

/** What the worker thread is started with. */
export interface CollectiveThreadData {
  host: string;
  token?: string;
  tls?: TlsFiles;
  timeoutMs: number;
  spinMs: number;
  /** {@link Control} words, then the error's bytes. */
  control: SharedArrayBuffer;
}

/** Messages to the worker thread. */
export type CollectiveThreadRequest =
  | {
      type: 'join';
      id: number;
      groupId: string;
      generation: number;
      rank: number;
      peers: string[];
      layoutHash: string;
    }
  | { type: 'gather'; data: SharedArrayBuffer; length: number }
  | {
      type: 'allreduce';
      id: number;
      data: SharedArrayBuffer;
      length: number;
      op: ReduceOp;
      buckets: [number, number][];
    }
  | { type: 'broadcast'; id: number; data: SharedArrayBuffer; length: number; root: number }
  | { type: 'close'; id: number };

/** Messages from the worker thread. */
export type CollectiveThreadReply =
  | { type: 'started'; address: string }
  | { type: 'done'; id: number; link?: number; dataPlane?: DataPlane }
  | { type: 'error'; id: number; message: string };

type Done = Extract<CollectiveThreadReply, { type: 'done' }>;

type Request = CollectiveThreadRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/**
 * A trainer's collectives on a thread of their own. A worker thread owns the collective server and
 * the ring communicator (gRPC streams, the cluster token, TLS); every collective of the trainer goes
 * through it, in call order, so the network is served even while the main thread is blocked:
 *
 * - {@link allReduce} and {@link broadcast} (gradients, weights) are asynchronous for the caller;
 * - {@link sum} blocks the calling thread with `Atomics.wait` until the ring has summed a small
 *   vector. tfjs's gradient tape is synchronous, and SyncBatchNorm and TWIST's global-batch
 *   diversity term need sums in the middle of forward and backward; it implements `twist`'s
 *   `ReplicaSum`.
 *
 * Had the ring lived on the main thread, a rank blocked in a sum could hold back the last frames of
 * the gradient all-reduce its neighbour still waits for, and both would wait forever.
 * A failure (a peer died, the watchdog, a timeout) breaks the group: pending and later operations
 * throw {@link CollectiveError}; join a new generation to go on.
 */
export class CollectiveThread {
  private readonly control: Int32Array;
  private readonly errorBytes: Uint8Array;
  private sumBuffer = new SharedArrayBuffer(1 << 16);
  private bulkBuffer = new SharedArrayBuffer(1 << 16);
  private world = 0;
  private rankInGroup = 0;
  private broken: CollectiveError | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: Done) => void; reject: (e: Error) => void }>();
  private closed: Promise<void> | undefined;
  private blockedMs = 0;
  private sums = 0;
  /** The joined group's native link (blocking sums run on it from this thread), its peers, and counts. */
  private link: number | undefined;
  private peers: readonly string[] = [];
  private posted = 0;
  private sumSeq = 0;
  private plane: DataPlane | undefined;
  /** Gives back the link of a started sum not yet waited for (see {@link startSum}). */
  private unfinished: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly address: string,
    controlBuffer: SharedArrayBuffer,
    private readonly timeoutMs: number,
  ) {
    this.control = new Int32Array(controlBuffer, 0, Control.WORDS);
    this.errorBytes = new Uint8Array(controlBuffer, Control.WORDS * 4, ERROR_BYTES);
    worker.on('message', (m: CollectiveThreadReply) => {
      if (m.type === 'started') return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'done') w.resolve(m);
      else w.reject(new CollectiveError(m.message));
    });
    worker.on('error', (err) =>
      this.fail(new CollectiveError(`collective thread failed: ${err.message}`, undefined, { cause: err })),
    );
    worker.on('exit', (code) => this.fail(new CollectiveError(`collective thread exited (code ${code})`)));
  }

  /**
   * Starts the thread and its collective server (port 0).
   * @throws InvalidArgumentError when `spinMs` is not a number of ms in [0, timeoutMs];
   * CollectiveError when the thread or its server does not start.
   */
  static async start(opts: CollectiveThreadOptions = {}): Promise<CollectiveThread> {
    const control = new SharedArrayBuffer(Control.WORDS * 4 + ERROR_BYTES);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const spinMs = opts.spinMs ?? Math.min(DEFAULT_SPIN_MS, timeoutMs);
    checkSpinMs('collective thread', spinMs, timeoutMs);
    const workerData: CollectiveThreadData = {
      host: opts.host ?? '127.0.0.1',
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
      timeoutMs,
      spinMs,
      control,
    };
    const worker = new Worker(new URL('./collective-thread-worker.js', import.meta.url), { workerData });
    worker.unref();
    const address = await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: CollectiveThreadReply) => {
        if (m.type === 'started') resolve(m.address);
        else
          reject(
            new CollectiveError(
              `collective thread did not start: ${m.type === 'error' ? m.message : m.type}`,
            ),
          );
      });
      worker.once('error', (err) =>
        reject(
          new CollectiveError(`collective thread did not start: ${err.message}`, undefined, { cause: err }),
        ),
      );
    });
    return new CollectiveThread(worker, address, control, timeoutMs);
  }

  /** Ranks of the group joined last (0 before any join). */
  get worldSize(): number {
    return this.world;
  }

  /** Seconds the caller spent blocked in {@link sum} and {@link gather}, and how many, since the start. */
  get blocked(): { seconds: number; sums: number } {
    return { seconds: this.blockedMs / 1000, sums: this.sums };
  }

  /**
   * Where the group joined last moves its frames (undefined before a join): `native` (C++ threads,
   * the blocking sums on the caller's thread) unless TLS is on, or the native addon is not built.
   */
  get dataPlane(): DataPlane | undefined {
    return this.plane;
  }

  /** This thread's rank in the group joined last. */
  get rank(): number {
    return this.rankInGroup;
  }

  /**
   * Forms the ring of `generation` with `peers` (every rank's {@link address}, by rank), closing
   * the previous one; a broken group is usable again after it.
   * @throws CollectiveError when the ring cannot be formed (a peer refuses, is unreachable, or a
   * layout hash differs).
   */
  async join(opts: {
    groupId: string;
    generation: number;
    rank: number;
    peers: readonly string[];
    /** What every rank's gradient layout must share (default none). */
    layoutHash?: string;
  }): Promise<void> {
    this.world = 0;
    this.link = undefined;
    const joined = await this.request({
      type: 'join',
      ...opts,
      peers: [...opts.peers],
      layoutHash: opts.layoutHash ?? '',
    });
    this.link = joined.link;
    this.plane = joined.dataPlane;
    this.posted = Atomics.load(this.control, Control.QUEUED);
    this.peers = [...opts.peers];
    this.broken = undefined;
    this.world = opts.peers.length;
    this.rankInGroup = opts.rank;
  }

  /**
   * The element-wise sum of `values` over the group (added in rank order from {@link gather}, so
   * bitwise the same on every rank); blocks this thread until the ring is done.
   * @throws InvalidArgumentError before a join; CollectiveError when the group is (or becomes) broken
   * or the sum takes longer than the timeout.
   */
  sum(values: Float32Array): Float32Array {
    return addInRankOrder(this.gather(values));
  }

  /**
   * Every rank's `values`, by rank (a ring all-gather: W − 1 hops, half an all-reduce's latency for
   * the small vectors this is for); blocks this thread until it is done.
   * @throws like {@link sum}.
   */
  gather(values: Float32Array): Float32Array[] {
    this.ready();
    this.noStartedSum();
    if (this.world === 1) return [values.slice()];
    if (this.link !== undefined) return this.gatherNative(values, this.link);
    const bytes = values.byteLength * this.world;
    if (this.sumBuffer.byteLength < bytes) this.sumBuffer = new SharedArrayBuffer(grow(bytes));
    new Float32Array(this.sumBuffer, 0, values.length).set(values);
    Atomics.store(this.control, 0, SumState.PENDING);
    const t0 = performance.now();
    this.worker.postMessage({
      type: 'gather',
      data: this.sumBuffer,
      length: values.length,
    } satisfies CollectiveThreadRequest);
    const woke = Atomics.wait(this.control, 0, SumState.PENDING, this.timeoutMs);
    this.blockedMs += performance.now() - t0;
    this.sums++;
    if (woke === 'timed-out') {
      this.broken = new CollectiveError(
        `collective thread: a blocking gather took longer than ${this.timeoutMs} ms`,
      );
      throw this.broken;
    }
    if (Atomics.load(this.control, 0) === SumState.FAILED) {
      const n = Atomics.load(this.control, 1);
      this.broken = new CollectiveError(new TextDecoder().decode(this.errorBytes.slice(0, n)));
      throw this.broken;
    }
    return Array.from({ length: this.world }, (_, r) =>
      new Float32Array(this.sumBuffer, r * values.byteLength, values.length).slice(),
    );
  }

  /**
   * {@link sum} in two halves, to compute between them (twist's `ReplicaSum.startSum`): on the
   * native link this rank's part is sent at once and `wait` receives the others'; `ready` says,
   * without blocking, whether the left neighbour's part is here. Elsewhere (the TypeScript data
   * plane) the sum is done here and the pending sum is ready at once. `wait` must be called, once,
   * before the next sum or gather (asynchronous operations queue behind it).
   * @throws like {@link sum}, from here or from `wait`; InvalidArgumentError while an earlier
   * started sum is not waited for.
   */
  startSum(values: Float32Array): { ready(): boolean; wait(): Float32Array } {
    this.ready();
    this.noStartedSum();
    if (this.world === 1 || this.link === undefined) {
      const out = this.sum(values);
      return { ready: () => true, wait: () => out };
    }
    const pending = this.startGatherNative(values, this.link);
    return { ready: () => pending.ready(), wait: () => addInRankOrder(pending.wait()) };
  }

  /**
   * {@link gather} on this thread, on the group's native link: waits until the thread has queued
   * every bulk request made before (so every rank's ring sees the same order), then runs the
   * all-gather here, blocking; no thread handoff.
   */
  private gatherNative(values: Float32Array, link: number): Float32Array[] {
    return this.startGatherNative(values, link).wait();
  }

  /**
   * The all-gather of {@link gatherNative} in two halves: the link taken and this rank's part sent
   * (the native ring's `startShared`), then `wait` (`finishShared`).
   */
  private startGatherNative(
    values: Float32Array,
    link: number,
  ): { ready(): boolean; wait(): Float32Array[] } {
    const n = this.world;
    const k = values.length;
    let t0 = performance.now();
    const settle = (): void => {
      this.blockedMs += performance.now() - t0;
    };
    const fail = (err: unknown): never => {
      const e =
        err instanceof CollectiveError
          ? err
          : (err as NativeRingFailure).kind
            ? nativeRingError(this.rank, this.peers, this.timeoutMs, err as NativeRingFailure)
            : new CollectiveError(`rank ${this.rank}: ${(err as Error).message}`, undefined, { cause: err });
      this.broken = e;
      throw e;
    };
    const out = new Float32Array(n * k);
    out.set(values, this.rank * k);
    try {
      this.awaitQueued(t0);
      const plan = allGatherPlan(this.rank, n, k, SUM_CHUNK_ELEMS);
      // Its own id space: the thread's operations count from 0, these from 2^31.
      NativeRing.startShared(link, out, 0x80000000 | (this.sumSeq++ & 0x7fffffff), plan, n);
    } catch (err) {
      settle();
      this.sums++;
      return fail(err);
    }
    settle();
    let done = false;
    const finish = (): void => {
      done = true;
      this.unfinished = undefined;
      NativeRing.finishShared(link);
    };
    this.unfinished = () => {
      try {
        finish();
      } catch {
        // closing: the link is aborted, the failure expected
      }
    };
    return {
      ready: () => done || NativeRing.readyShared(link),
      wait: () => {
        if (done) throw new InvalidArgumentError('collective thread: a started sum is waited for once');
        t0 = performance.now();
        try {
          finish();
        } catch (err) {
          fail(err);
        } finally {
          settle();
          this.sums++;
        }
        return Array.from({ length: n }, (_, r) => out.slice(r * k, (r + 1) * k));
      },
    };
  }

  /** Waits until the thread has queued every bulk request made before (counted from `t0`). */
  private awaitQueued(t0: number): void {
    for (;;) {
      const queued = Atomics.load(this.control, Control.QUEUED);
      // Counts wrap at 2^31: compare their difference.
      if (((queued - this.posted) | 0) >= 0) return;
      const left = this.timeoutMs - (performance.now() - t0);
      if (left <= 0 || Atomics.wait(this.control, Control.QUEUED, queued, left) === 'timed-out')
        throw new CollectiveError(
          `collective thread: the ring's earlier operations were not queued within ${this.timeoutMs} ms`,
        );
    }
  }

  /**
   * Reduces `flat` in place over the group with `op` (default the mean), bucket by bucket when a
   * layout is given (its size must be `flat`'s).
   * @throws InvalidArgumentError before a join or on a length mismatch; CollectiveError when the
   * group fails.
   */
  async allReduce(flat: Float32Array, op: ReduceOp = 'mean', layout?: BucketLayout): Promise<void> {
    this.ready();
    if (layout && layout.size !== flat.length)
      throw new InvalidArgumentError(
        `bucketed all-reduce: buffer of ${flat.length} values, layout of ${layout.size}`,
      );
    const buckets: [number, number][] = layout
      ? layout.buckets.map((b) => [b.start, b.end])
      : [[0, flat.length]];
    await this.bulk(flat, { type: 'allreduce', op, buckets });
  }

  /**
   * Copies rank `root`'s `buf` into every rank's `buf`.
   * @throws InvalidArgumentError before a join; CollectiveError when the group fails.
   */
  async broadcast(buf: Float32Array, root = 0): Promise<void> {
    this.ready();
    await this.bulk(buf, { type: 'broadcast', root });
  }

  /** Closes the ring, the server and the thread; idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.request({ type: 'close' }).catch(() => undefined);
      // A started sum nobody waited for holds the link: finish it (it fails at once, the ring aborted).
      this.unfinished?.();
      await this.worker.terminate();
    })();
    return this.closed;
  }

  /** @throws InvalidArgumentError while a started sum is not waited for (it holds the link). */
  private noStartedSum(): void {
    if (this.unfinished)
      throw new InvalidArgumentError('collective thread: wait for the started sum before the next sum');
  }

  private ready(): void {
    if (this.broken) throw this.broken;
    if (this.world === 0) throw new InvalidArgumentError('collective thread: join a ring first');
  }

  /** Runs an operation on `buf` through the shared bulk buffer (one at a time, as the ring's order). */
  private async bulk(
    buf: Float32Array,
    op:
      { type: 'allreduce'; op: ReduceOp; buckets: [number, number][] } | { type: 'broadcast'; root: number },
  ): Promise<void> {
    if (this.world === 1) return;
    if (this.bulkBuffer.byteLength < buf.byteLength)
      this.bulkBuffer = new SharedArrayBuffer(grow(buf.byteLength));
    const data = this.bulkBuffer;
    const view = new Float32Array(data, 0, buf.length);
    view.set(buf);
    this.posted = (this.posted + 1) | 0;
    try {
      await this.request({ ...op, data, length: buf.length } as Request);
    } catch (err) {
      this.broken ??= err as CollectiveError;
      throw err;
    }
    buf.set(view);
  }

  private request(m: Request): Promise<Done> {
    if (this.broken && m.type !== 'join' && m.type !== 'close') return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<Done>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...m, id } as CollectiveThreadRequest);
    });
  }

  private fail(err: CollectiveError): void {
    this.broken ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** The next power of two at or above `bytes`. */
function grow(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(bytes));
}

/** The element-wise sum of equal-length parts, added in rank order (bitwise the same on every rank). */
function addInRankOrder(parts: Float32Array[]): Float32Array {
  const out = parts[0]!.slice();
  for (const p of parts.slice(1)) for (let i = 0; i < out.length; i++) out[i] = out[i]! + p[i]!;
  return out;
}
