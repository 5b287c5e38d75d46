import { once } from 'node:events';
import type net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import {
  channelCredentials,
  CollectiveError,
  InvalidArgumentError,
  loadTls,
  tlsEnabled,
  tokenInterceptor,
  type TlsFiles,
} from '../core/index.js';
import {
  loadProto,
  type CollectiveClient,
  type CollectiveProto,
  type Frame__Output,
  type StreamReply__Output,
} from '../proto/index.js';
import type { CollectiveServer } from './collective-server.js';
import { MAX_MESSAGE_BYTES, type OutboundCall } from './collective-server.js';
import { FrameQueue } from './frame-queue.js';
import {
  allGatherPlan,
  broadcastPlan,
  Combine,
  MAX_PLAN_ELEMENTS,
  mod,
  PLAN_ITEM,
  ringPlan,
  ringSegments,
  type CombineKind,
  type OpPlan,
} from './ring-plan.js';
import { BufferPool, connectData, frameReader, hostOf, writeFrame, type DataInbound } from './data-plane.js';
import {
  checkSpinMs,
  NativeRing,
  nativeRingError,
  nativeRingStatus,
  type NativeRingFailure,
} from './native-ring.js';

export type ReduceOp = 'sum' | 'mean' | 'max';

/** What one operation moved and how fast (for metrics: bytes, seconds, bus bandwidth). */
export interface OpStats {
  op: 'allreduce' | 'broadcast' | 'allgather';
  /** The buffer's size in bytes (S in nccl-tests' algbw = S / t). */
  bytes: number;
  seconds: number;
  sentBytes: number;
  receivedBytes: number;
  algbwGBps: number;
  /** algbw × 2(N−1)/N for all-reduce, × (N−1)/N for all-gather, × 1 for broadcast. */
  busbwGBps: number;
}

export interface CommunicatorOptions {
  /** Names the group; with `generation`, keeps a rebuilt group from ever mixing with the old one. */
  groupId: string;
  generation: number;
  rank: number;
  /** `host:port` of every rank's {@link CollectiveServer}, by rank. */
  peers: readonly string[];
  /** This process's server (it receives the left neighbour's stream). */
  server: CollectiveServer;
  /** Hash of the bucket layout all ranks must share (see {@link BucketLayout}); default none. */
  layoutHash?: string;
  /** Largest frame, bytes (default 1 MiB; a multiple of 4, at most 64 MiB). */
  chunkBytes?: number;
  /** Progress watchdog: an operation fails when no frame arrives for this long (default 60 s). */
  timeoutMs?: number;
  /**
   * On the native data plane, how long a blocking operation run on a caller's thread (the
   * {@link CollectiveThread}'s sums) polls without sleeping before it sleeps (default 0, ms; at
   * most the watchdog's timeout).
   */
  spinMs?: number;
  /** How long creation waits for the neighbours (default 30 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called after every operation. */
  onOp?: (s: OpStats) => void;
  /** The cluster token the neighbours' servers require, and mutual TLS files (default none). */
  token?: string;
  tls?: TlsFiles;
  /**
   * Where the frames flow: on a TCP socket the gRPC hello hands a ticket for (see `data-plane.ts`;
   * the stream then only carries the hello and liveness), moved by the native addon's threads
   * (`native`) or by this thread (`tcp`); or on the gRPC stream itself (`grpc`). Default `native`
   * where the addon is built (see {@link nativeRingStatus}) and no TLS is configured, else `tcp`.
   */
  dataPlane?: DataPlane;
}

/** The data planes a communicator can use (see {@link CommunicatorOptions.dataPlane}). */
export const DATA_PLANES = ['native', 'tcp', 'grpc'] as const;
export type DataPlane = (typeof DATA_PLANES)[number];

/**
 * The data plane a communicator with these options uses. TLS counts when files are named: a
 * `TlsFiles` with none (what an actor is handed on a cluster without TLS) is plain.
 * @throws InvalidArgumentError when `native` is asked for and cannot run (the reason named).
 */
export function resolveDataPlane(opts: Pick<CommunicatorOptions, 'dataPlane' | 'tls'>): DataPlane {
  const native = nativeRingStatus();
  const tls = tlsEnabled(opts.tls);
  if (opts.dataPlane === 'native') {
    if (!native.available)
      throw new InvalidArgumentError(`communicator: dataPlane 'native' is unavailable: ${native.reason}`);
    if (tls)
      throw new InvalidArgumentError(
        "communicator: dataPlane 'native' carries no TLS; use 'tcp' with TLS files",
      );
  }
  return opts.dataPlane ?? (native.available && !tls ? 'native' : 'tcp');
}

export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** HTTP/2 receive window of a ring stream (bytes). */
const FLOW_CONTROL_WINDOW = 64 << 20;
/** How long a dropped outbound stream may precede this rank's own close before it counts as a failure. */
const OUTBOUND_GRACE_MS = 2000;

/**
 * A ring of ranks over gRPC streams: rank r streams to rank r+1 on one long-lived stream and
 * receives from rank r−1 on another. Operations must be called in the same order on every rank;
 * one runs at a time. A failure (peer died, connection closed, silence beyond the watchdog, abort)
 * fails the current and every later operation with a {@link CollectiveError} naming the peer, and
 * closes the streams so that the neighbours fail at once too: rebuild the group with a new
 * generation.
 */
export class Communicator {
  readonly rank: number;
  readonly worldSize: number;
  /** Where this communicator's frames flow (see {@link CommunicatorOptions.dataPlane}). */
  readonly dataPlane: DataPlane;
  private readonly chunkElems: number;
  private readonly queue: FrameQueue;
  private opSeq = 0;
  /** When the last operation ended (for {@link report}). */
  private lastEnd = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private closing = false;
  private sent = 0;
  private received = 0;
  /** Set when the right neighbour dropped the outbound stream; fails the group at the next send. */
  private outboundLost: CollectiveError | undefined;
  private draining = false;
  /** Aligned landing buffer for one chunk (fresh memory per chunk costs page faults). */
  private readonly scratch: Float32Array;
  /** Reused chunk buffers of the data plane (received payloads, and frames being sent). */
  private readonly inPool: BufferPool;
  private readonly inSocket: net.Socket | undefined;
  private readonly outPool: BufferPool;
  /** The native data plane's link, when frames are moved in C++. */
  private readonly native: NativeRing | undefined;

  private constructor(
    private readonly opts: CommunicatorOptions,
    private readonly client: CollectiveClient | undefined,
    private readonly out: OutboundCall | undefined,
    private readonly inbound: grpc.ClientReadableStream<StreamReply__Output> | undefined,
    queue: FrameQueue,
    /** The data plane: frames to the right neighbour, and from the left one. */
    private readonly outSocket?: net.Socket,
    inData?: DataInbound,
  ) {
    this.inSocket = inData?.socket;
    const inSocket = this.inSocket;
    this.rank = opts.rank;
    this.worldSize = opts.peers.length;
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.chunkElems = chunkBytes / 4;
    this.scratch = new Float32Array(this.chunkElems);
    this.inPool = new BufferPool(chunkBytes);
    this.outPool = new BufferPool(chunkBytes + 16);
    this.queue = queue;
    const n = this.worldSize;
    const left = mod(this.rank - 1, n);
    const right = mod(this.rank + 1, n);
    this.native =
      inData?.raw && outSocket
        ? NativeRing.open(inData.socket, outSocket, opts.timeoutMs ?? 60_000, opts.spinMs)
        : undefined;
    this.dataPlane = this.native ? 'native' : inData ? 'tcp' : n === 1 ? resolveDataPlane(opts) : 'grpc';
    inbound?.on('data', (m: StreamReply__Output) => {
      if (m.frame) {
        this.received += m.frame.data.length;
        queue.push(m.frame);
      }
    });
    if (inSocket && !this.native) {
      const read = frameReader(this.inPool, chunkBytes, (f) => {
        this.received += f.data.length;
        queue.push(f);
      });
      inData!.onBytes((d) => {
        try {
          read(d);
        } catch (err) {
          this.fail(err as CollectiveError);
        }
      });
    }
    if (inSocket) {
      inSocket.on('end', () => {
        if (!this.closing)
          this.fail(
            new CollectiveError(
              `rank ${this.rank}: the data socket from rank ${left} (${opts.peers[left]}) ended`,
              this.peer(left),
            ),
          );
      });
      inSocket.on('error', (err: Error) => {
        if (!this.closing)
          this.fail(
            new CollectiveError(
              `rank ${this.rank}: the data socket from rank ${left} (${opts.peers[left]}) failed: ${err.message}`,
              this.peer(left),
              { cause: err },
            ),
          );
      });
    }
    const lost = (who: number, what: string) => (): void => {
      if (!this.closing) this.fail(new CollectiveError(`rank ${this.rank}: ${what}`, this.peer(who)));
    };
    inbound?.on('end', lost(left, `the stream from rank ${left} (${opts.peers[left]}) ended`));
    inbound?.on('error', (err: Error) => {
      if (!this.closing)
        this.fail(
          new CollectiveError(
            `rank ${this.rank}: the stream from rank ${left} (${opts.peers[left]}) failed: ${err.message}`,
            this.peer(left),
            { cause: err },
          ),
        );
    });
    // The right neighbour's side of the outbound stream: a cancel may overtake frames still in
    // flight to this rank on the other stream (a clean close), so it only fails the group when this
    // rank next sends (or is waiting to).
    const lostOut = (what: string) => (): void => {
      if (this.closing || this.outboundLost || this.queue.failed) return;
      const err = new CollectiveError(`rank ${this.rank}: ${what}`, this.peer(right));
      this.outboundLost = err;
      if (this.draining) return this.fail(err);
      // A clean close of the neighbour is followed by this rank's own; a failure is not.
      setTimeout(() => {
        if (!this.closing) this.fail(err);
      }, OUTBOUND_GRACE_MS).unref();
    };
    if (outSocket) {
      outSocket.on('error', lostOut(`the data socket to rank ${right} (${opts.peers[right]}) failed`));
      outSocket.on('close', lostOut(`the data socket to rank ${right} (${opts.peers[right]}) closed`));
      // Nothing comes back on it; reading lets its end be seen.
      outSocket.resume();
    }
    out?.on('cancelled', lostOut(`rank ${right} (${opts.peers[right]}) cancelled its stream`));
    out?.on('error', lostOut(`the stream to rank ${right} (${opts.peers[right]}) failed`));
    out?.on('close', lostOut(`the connection to rank ${right} (${opts.peers[right]}) closed`));
    opts.signal?.addEventListener(
      'abort',
      () =>
        this.fail(
          new CollectiveError(`rank ${this.rank}: aborted`, undefined, { cause: opts.signal?.reason }),
        ),
      { once: true },
    );
  }

  /**
   * Joins the group: calls the left neighbour (hello: group, generation, rank, world size, layout
   * hash) for the stream of frames it will send, and waits for the right neighbour's call, on whose
   * response stream this rank sends; each side checks the hello it gets.
   * @throws CollectiveError when a neighbour refuses (mismatched layout, wrong world size or rank),
   * is unreachable, or does not come within `connectTimeoutMs`; InvalidArgumentError on bad options.
   */
  static async create(opts: CommunicatorOptions): Promise<Communicator> {
    const n = opts.peers.length;
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(opts.rank) || opts.rank < 0 || opts.rank >= n)
      throw new InvalidArgumentError(`communicator: rank ${opts.rank} is not in [0, ${n})`);
    if (
      !Number.isInteger(chunkBytes) ||
      chunkBytes < 4 ||
      chunkBytes % 4 !== 0 ||
      chunkBytes > MAX_MESSAGE_BYTES - (1 << 20)
    )
      throw new InvalidArgumentError(
        `communicator: chunkBytes must be a multiple of 4 in [4, 64 MiB], got ${chunkBytes}`,
      );
    const timeoutMs = opts.timeoutMs ?? 60_000;
    checkSpinMs('communicator', opts.spinMs, timeoutMs);
    const left = mod(opts.rank - 1, n);
    const queue = new FrameQueue(
      timeoutMs,
      (ms) =>
        new CollectiveError(
          `rank ${opts.rank}: no data from rank ${left} (${opts.peers[left]}) for ${ms} ms`,
          { rank: left, address: opts.peers[left]! },
        ),
    );
    if (n === 1) return new Communicator(opts, undefined, undefined, undefined, queue);
    const connectMs = opts.connectTimeoutMs ?? 30_000;
    const layoutHash = opts.layoutHash ?? '';
    // This rank sends on the call its right neighbour makes, and receives on its call to the left.
    const outP = opts.server.expect(
      { groupId: opts.groupId, generation: opts.generation, rank: opts.rank, worldSize: n, layoutHash },
      connectMs,
      opts.signal,
    );
    const proto = loadProto<CollectiveProto>('collective');
    const client = new proto.twist.v1.Collective(opts.peers[left]!, channelCredentials(opts.tls), {
      ...(opts.token ? { interceptors: [tokenInterceptor(opts.token)] } : {}),
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      // The receiver's window: large, so the sender streams without waiting for window updates.
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
    });
    const plane = resolveDataPlane(opts);
    const tcp = plane !== 'grpc';
    const inbound = client.Stream({
      groupId: opts.groupId,
      generation: opts.generation,
      rank: opts.rank,
      worldSize: n,
      layoutHash,
      tcpData: tcp,
    });
    const refused = (why: string, cause?: unknown): CollectiveError =>
      new CollectiveError(
        `group ${opts.groupId} generation ${opts.generation}: rank ${left} (${opts.peers[left]}) ${why}`,
        { rank: left, address: opts.peers[left]! },
        { cause },
      );
    const accepted = new Promise<{ dataPort: number; ticket: Buffer }>((resolve, reject) => {
      const timer = setTimeout(() => reject(refused(`did not answer within ${connectMs} ms`)), connectMs);
      inbound.once('data', (r: StreamReply__Output) => {
        clearTimeout(timer);
        if (r.accept?.accepted) resolve({ dataPort: r.accept.dataPort, ticket: r.accept.ticket });
        else reject(refused(`refused the stream: ${r.accept?.reason ?? 'no reason'}`));
      });
      inbound.once('error', (err: Error) => {
        clearTimeout(timer);
        reject(refused(`is unreachable: ${err.message}`, err));
      });
    });
    const pem = tcp ? loadTls(opts.tls) : undefined;
    let inData: DataInbound | undefined;
    let outSocket: net.Socket | undefined;
    try {
      const [out, acc] = await Promise.all([outP, accepted]);
      // Both data sockets: the one this rank opens to its left neighbour, the right one's to it.
      [inData, outSocket] = await Promise.all([
        tcp && acc.dataPort
          ? connectData(
              hostOf(opts.peers[left]!),
              acc.dataPort,
              acc.ticket,
              pem,
              connectMs,
              plane === 'native',
            )
          : undefined,
        out.data
          ? Promise.race([
              out.data,
              new Promise<never>((_, reject) =>
                setTimeout(
                  () => reject(refused(`opened no data socket within ${connectMs} ms`)),
                  connectMs,
                ).unref(),
              ),
            ])
          : undefined,
      ]);
      return new Communicator(opts, client, out.call, inbound, queue, outSocket, inData);
    } catch (err) {
      inData?.socket.destroy();
      outSocket?.destroy();
      inbound.cancel();
      client.close();
      outP.then(
        (c) => c.call.end(),
        () => undefined,
      );
      throw err;
    }
  }

  /**
   * Reduces `buf` in place over all ranks (ring: reduce-scatter then all-gather, chunked and
   * pipelined); the result is bitwise identical on every rank.
   * @throws CollectiveError when the group fails; InvalidArgumentError when lengths differ.
   */
  allReduce(buf: Float32Array, op: ReduceOp = 'sum'): Promise<Float32Array> {
    return this.serial(async () => {
      const n = this.worldSize;
      const t0 = performance.now();
      let moved = NOTHING_MOVED;
      if (n > 1) {
        const reduce: CombineKind = op === 'max' ? Combine.max : Combine.sum;
        const last: CombineKind = op === 'mean' ? Combine.sumDivide : reduce;
        const plan = ringPlan(
          this.rank,
          n,
          ringSegments(this.checkLength(buf.length), n),
          2 * (n - 1),
          this.chunkElems,
          (g) => (g < n - 2 ? reduce : g === n - 2 ? last : Combine.copy),
        );
        moved = await this.run(buf, plan, n);
      }
      this.report('allreduce', buf.byteLength, t0, moved, (2 * (n - 1)) / n);
      return buf;
    });
  }

  /**
   * Gathers every rank's `values` (the same length on all) into one array, rank by rank.
   * @throws CollectiveError when the group fails.
   */
  allGather(values: Float32Array): Promise<Float32Array> {
    return this.serial(async () => {
      const n = this.worldSize;
      const k = values.length;
      const out = new Float32Array(this.checkLength(n * k));
      out.set(values, this.rank * k);
      const t0 = performance.now();
      let moved = NOTHING_MOVED;
      if (n > 1) {
        moved = await this.run(out, allGatherPlan(this.rank, n, k, this.chunkElems), n);
      }
      this.report('allgather', out.byteLength, t0, moved, (n - 1) / n);
      return out;
    });
  }

  /**
   * Copies `root`'s `buf` into every rank's `buf` (a chunked pipeline along the ring).
   * @throws CollectiveError when the group fails.
   */
  broadcast(buf: Float32Array, root = 0): Promise<Float32Array> {
    return this.serial(async () => {
      const n = this.worldSize;
      const t0 = performance.now();
      let moved = NOTHING_MOVED;
      if (n > 1)
        moved = await this.run(
          buf,
          broadcastPlan(this.rank, n, this.checkLength(buf.length), root, this.chunkElems),
          n,
        );
      this.report('broadcast', buf.byteLength, t0, moved, 1);
      return buf;
    });
  }

  /** Returns when every rank has called it. @throws CollectiveError when the group fails. */
  async barrier(): Promise<void> {
    await this.allReduce(new Float32Array(1));
  }

  /**
   * An id by which another thread of this process runs blocking operations on this group's native
   * link ({@link NativeRing.runShared}), in order with the operations called here before; undefined
   * off the native data plane.
   */
  sharedLink(): number | undefined {
    return this.native?.share();
  }

  /** Bytes sent and received so far. */
  get traffic(): { sentBytes: number; receivedBytes: number } {
    return { sentBytes: this.sent, receivedBytes: this.received };
  }

  /** The error that broke the group, if any. */
  get failed(): CollectiveError | undefined {
    return this.queue.failed;
  }

  /** Closes both streams (the neighbours see a clean end only if they close too); idempotent. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.fail(new CollectiveError(`rank ${this.rank}: the communicator is closed`));
    this.native?.close();
    this.outSocket?.end();
    this.inSocket?.destroy();
    this.out?.end();
    this.inbound?.cancel();
    this.client?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private peer(rank: number): { rank: number; address: string } {
    return { rank, address: this.opts.peers[rank]! };
  }

  private fail(err: CollectiveError): void {
    if (this.queue.failed) return;
    this.queue.fail(err);
    // End both streams with an error so that the neighbours fail at once instead of waiting for the
    // watchdog: an error status on the outbound call (grpc-js's way for a server stream), a cancel
    // of the inbound one.
    this.out?.emit('error', { code: grpc.status.ABORTED, details: err.message });
    this.inbound?.cancel();
    this.native?.abort();
    this.outSocket?.destroy();
    this.inSocket?.destroy();
  }

  /**
   * Runs operations one at a time in call order. The native data plane queues them itself, in the
   * order they reach it: `f` starts at once, so its operation is queued before this returns.
   */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.native
      ? this.queue.failed
        ? Promise.reject(this.queue.failed)
        : f()
      : this.lock.then(() => {
          if (this.queue.failed) throw this.queue.failed;
          return f();
        });
    if (!this.native) this.lock = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      if (err instanceof CollectiveError) this.fail(err);
      throw err;
    });
  }

  private checkLength(elements: number): number {
    if (elements > MAX_PLAN_ELEMENTS)
      throw new InvalidArgumentError(
        `communicator: ${elements} values exceed one operation's ${MAX_PLAN_ELEMENTS}; split the buffer`,
      );
    return elements;
  }

  /**
   * Runs one operation's {@link OpPlan} on `buf`: on the native data plane, or here (each frame
   * received in order and combined, and the sends it releases written after it); `n` divides the
   * mean.
   */
  private async run(buf: Float32Array, plan: OpPlan, n: number): Promise<Moved> {
    const moved = { sent: planBytes(plan.send), received: planBytes(plan.recv) };
    const op = this.opSeq++;
    if (this.native) {
      if (this.outboundLost) this.fail(this.outboundLost);
      if (this.queue.failed) throw this.queue.failed;
      try {
        await this.native.run(buf, op, plan, n);
      } catch (err) {
        throw (
          this.queue.failed ??
          nativeRingError(this.rank, this.opts.peers, this.opts.timeoutMs ?? 60_000, err as NativeRingFailure)
        );
      }
      this.sent += moved.sent;
      this.received += moved.received;
      return moved;
    }
    const { recv, send } = plan;
    let next = 0;
    const sendReleased = async (done: number): Promise<void> => {
      for (; next < send.length / PLAN_ITEM && send[next * PLAN_ITEM + 4]! <= done; next++) {
        const [step, chunk, at, elems] = send.subarray(next * PLAN_ITEM, next * PLAN_ITEM + 4);
        await this.send(op, step!, chunk!, buf.subarray(at, at! + elems!));
      }
    };
    await sendReleased(0);
    for (let j = 0; j < recv.length / PLAN_ITEM; j++) {
      const [step, chunk, at, elems, how] = recv.subarray(j * PLAN_ITEM, (j + 1) * PLAN_ITEM);
      const frame = await this.nextFrame(op, step!, chunk!, elems!);
      this.apply(frame, buf.subarray(at, at! + elems!), combiner(how as CombineKind, n));
      if (this.inSocket) this.inPool.give(frame.data);
      await sendReleased(j + 1);
    }
    return moved;
  }

  private async nextFrame(op: number, step: number, chunk: number, elems: number): Promise<Frame__Output> {
    const f = await this.queue.next();
    if (
      f.op % 2 ** 32 !== op % 2 ** 32 ||
      f.step !== step ||
      f.chunk !== chunk ||
      f.data.length !== elems * 4
    ) {
      const left = mod(this.rank - 1, this.worldSize);
      throw new CollectiveError(
        `rank ${this.rank}: rank ${left} sent op ${f.op} step ${f.step} chunk ${f.chunk} (${f.data.length} bytes), expected op ${op} step ${step} chunk ${chunk} (${elems * 4} bytes): operations called in another order or with other lengths`,
        this.peer(left),
      );
    }
    return f;
  }

  private apply(
    f: Frame__Output,
    dst: Float32Array,
    combine: (dst: Float32Array, src: Float32Array) => void,
  ): void {
    const d = f.data;
    let src: Float32Array;
    if (d.byteOffset % 4 === 0) src = new Float32Array(d.buffer, d.byteOffset, d.length / 4);
    else {
      // The bytes field sits at an odd offset in the message: one memcpy into a reused buffer.
      new Uint8Array(this.scratch.buffer, 0, d.length).set(d);
      src = this.scratch.subarray(0, d.length / 4);
    }
    combine(dst, src);
  }

  private async send(op: number, step: number, chunk: number, values: Float32Array): Promise<void> {
    if (this.outboundLost) this.fail(this.outboundLost);
    if (this.queue.failed) throw this.queue.failed;
    if (this.outSocket) {
      this.sent += values.byteLength;
      try {
        await writeFrame(this.outSocket, this.outPool, op, step, chunk, values, this.queue.signal);
      } catch {
        throw this.queue.failed ?? new CollectiveError(`rank ${this.rank}: send interrupted`);
      }
      return;
    }
    const data = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    this.sent += data.length;
    // Serialised inside write(): later changes to `values` do not reach the wire.
    if (!this.out!.write({ frame: { op, step, chunk, data } })) {
      this.draining = true;
      try {
        await once(this.out!, 'drain', { signal: this.queue.signal });
      } catch {
        throw this.queue.failed ?? new CollectiveError(`rank ${this.rank}: send interrupted`);
      } finally {
        this.draining = false;
      }
    }
  }

  /**
   * Reports one operation that was called at `t0`. It started then, or when the one before it
   * ended if later (the native data plane queues operations called before the last one ended).
   */
  private report(op: OpStats['op'], bytes: number, t0: number, moved: Moved, factor: number): void {
    const end = performance.now();
    const seconds = (end - Math.max(t0, this.lastEnd)) / 1000;
    this.lastEnd = end;
    const algbwGBps = seconds > 0 ? bytes / seconds / 1e9 : 0;
    this.opts.onOp?.({
      op,
      bytes,
      seconds,
      sentBytes: moved.sent,
      receivedBytes: moved.received,
      algbwGBps,
      busbwGBps: algbwGBps * factor,
    });
  }
}

/** Payload bytes an operation sent and received. */
interface Moved {
  sent: number;
  received: number;
}
const NOTHING_MOVED: Moved = { sent: 0, received: 0 };

/** Bytes of the frames' payloads in a plan's items. */
function planBytes(items: Int32Array): number {
  let bytes = 0;
  for (let j = 3; j < items.length; j += PLAN_ITEM) bytes += items[j]! * 4;
  return bytes;
}

/** How {@link Combine} kinds combine a received chunk into the buffer (`n` divides the mean). */
function combiner(how: CombineKind, n: number): (dst: Float32Array, src: Float32Array) => void {
  switch (how) {
    case Combine.copy:
      return (dst, src) => dst.set(src);
    case Combine.sum:
      return (dst, src) => {
        for (let i = 0; i < src.length; i++) dst[i] = dst[i]! + src[i]!;
      };
    case Combine.sumDivide:
      return (dst, src) => {
        for (let i = 0; i < src.length; i++) dst[i] = (dst[i]! + src[i]!) / n;
      };
    case Combine.max:
      return (dst, src) => {
        for (let i = 0; i < src.length; i++) if (src[i]! > dst[i]!) dst[i] = src[i]!;
      };
  }
}
