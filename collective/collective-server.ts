import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import {
  authorizeStream,
  CollectiveError,
  guardFor,
  IoError,
  loadTls,
  serverCredentials,
  type Guard,
  type TlsFiles,
} from '../core/index.js';
import {
  loadProto,
  type CollectiveProto,
  type StreamReply,
  type StreamRequest__Output,
} from '../proto/index.js';
import { dataListener, TICKET_BYTES } from './data-plane.js';

/** The stream a rank sends its frames on: the response stream of its right neighbour's call. */
export type OutboundCall = grpc.ServerWritableStream<StreamRequest__Output, StreamReply>;

/** The right neighbour's call, and its data socket when it asked for the TCP data plane. */
export interface Outbound {
  call: OutboundCall;
  data?: Promise<net.Socket>;
}

/** What a communicator expects of the call its right neighbour makes. */
export interface OutboundExpectation {
  groupId: string;
  generation: number;
  /** This rank. */
  rank: number;
  worldSize: number;
  layoutHash: string;
}

/** Frames up to this size are accepted (the chunk size is at most 1 MiB by default, 64 MiB at most). */
export const MAX_MESSAGE_BYTES = 65 << 20;

const keyOf = (groupId: string, generation: number, rank: number): string =>
  `${groupId}\u0000${generation}\u0000${rank}`;

interface Pending {
  call: OutboundCall;
  hello: StreamRequest__Output;
  timer: NodeJS.Timeout;
}

/**
 * The process's Collective gRPC service: a call from a right neighbour (which receives this rank's
 * frames on its response stream) is matched by group, generation and rank to the communicator that
 * expects it, checked (world size, bucket layout) and accepted or refused with the reason. A call
 * may arrive before its communicator registers; it waits up to `pendingMs`.
 */
export class CollectiveServer {
  private server: grpc.Server | undefined;
  private port = 0;
  private readonly expected = new Map<
    string,
    { exp: OutboundExpectation; resolve: (c: Outbound) => void; reject: (e: Error) => void }
  >();
  private readonly pending = new Map<string, Pending>();
  /** Tickets handed out in accepts, waiting for their data socket. */
  private readonly tickets = new Map<string, (s: net.Socket) => void>();
  private data: net.Server | undefined;

  private readonly guard: Guard | undefined;

  /**
   * @param security the cluster token every neighbour's call must carry, and mutual TLS files (both
   * optional: a process outside a cluster, like a benchmark, may run without them).
   */
  constructor(
    private readonly host = '127.0.0.1',
    private readonly pendingMs = 30_000,
    private readonly security: { token?: string; tls?: TlsFiles } = {},
  ) {
    this.guard = security.token ? guardFor(security.token) : undefined;
  }

  /** `host:port` once started. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Binds the service (port 0 unless given); idempotent. @throws IoError when it cannot bind. */
  async start(port = 0): Promise<string> {
    if (this.server) return this.address;
    const proto = loadProto<CollectiveProto>('collective');
    const server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    });
    server.addService(proto.twist.v1.Collective.service, {
      Stream: (call: OutboundCall) => this.onCall(call),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${this.host}:${port}`, serverCredentials(this.security.tls), (err, p) =>
        err
          ? reject(
              new IoError(`collective server cannot bind ${this.host}:${port}: ${err.message}`, {
                cause: err,
              }),
            )
          : resolve(p),
      ),
    );
    this.server = server;
    const pem = loadTls(this.security.tls);
    const data = dataListener(pem, (ticket, socket) => {
      const claim = this.tickets.get(ticket);
      if (!claim) return false;
      this.tickets.delete(ticket);
      claim(socket);
      return true;
    });
    await new Promise<void>((resolve, reject) => {
      data.once('error', (err) =>
        reject(new IoError(`collective data plane cannot bind ${this.host}: ${err.message}`, { cause: err })),
      );
      data.listen(0, this.host, () => resolve());
    });
    data.on('error', () => undefined);
    this.data = data;
    return this.address;
  }

  /** The TCP data plane's port (0 before start). */
  get dataPort(): number {
    const a = this.data?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /**
   * Waits for the call of `exp.rank`'s right neighbour and accepts it when it matches.
   * @throws CollectiveError when it does not match (the neighbour is refused with the same reason)
   * or does not come within `timeoutMs`.
   */
  expect(exp: OutboundExpectation, timeoutMs: number, signal?: AbortSignal): Promise<Outbound> {
    const key = keyOf(exp.groupId, exp.generation, exp.rank);
    return new Promise<Outbound>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.expected.delete(key);
        reject(
          new CollectiveError(
            `group ${exp.groupId} generation ${exp.generation}: rank ${exp.rank} saw no stream from its left neighbour within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.expected.delete(key);
        f();
      };
      const onAbort = (): void =>
        done(() =>
          reject(
            new CollectiveError(`group ${exp.groupId}: creation aborted`, undefined, {
              cause: signal?.reason,
            }),
          ),
        );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.expected.set(key, {
        exp,
        resolve: (c) => done(() => resolve(c)),
        reject: (e) => done(() => reject(e)),
      });
      const p = this.pending.get(key);
      if (p) {
        this.pending.delete(key);
        clearTimeout(p.timer);
        this.match(key, p.call, p.hello);
      }
    });
  }

  /** Stops serving; open streams are cancelled. Idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.call.destroy();
    }
    this.pending.clear();
    this.tickets.clear();
    const data = this.data;
    this.data = undefined;
    if (data) await new Promise<void>((resolve) => data.close(() => resolve()));
    if (!server) return;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server.forceShutdown();
  }

  private onCall(call: OutboundCall): void {
    call.on('error', () => undefined);
    if (
      this.guard &&
      !authorizeStream(this.guard, 'Collective.Stream', call as grpc.ServerWritableStream<unknown, unknown>)
    )
      return;
    const hello = call.request;
    const from = hello.worldSize > 0 ? (hello.rank - 1 + hello.worldSize) % hello.worldSize : -1;
    const key = keyOf(hello.groupId, hello.generation, from);
    if (this.expected.has(key)) return this.match(key, call, hello);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.refuse(call, `no rank ${from} of group ${hello.groupId} generation ${hello.generation} here`);
    }, this.pendingMs);
    this.pending.set(key, { call, hello, timer });
  }

  private match(key: string, call: OutboundCall, hello: StreamRequest__Output): void {
    const e = this.expected.get(key)!;
    const { exp } = e;
    const right = (exp.rank + 1) % exp.worldSize;
    let reason: string | undefined;
    if (hello.worldSize !== exp.worldSize)
      reason = `world size ${hello.worldSize} at rank ${hello.rank}, ${exp.worldSize} at rank ${exp.rank}`;
    else if (hello.layoutHash !== exp.layoutHash)
      reason = `bucket layout of rank ${hello.rank} (${hello.layoutHash.slice(0, 12) || 'none'}) differs from rank ${exp.rank}'s (${exp.layoutHash.slice(0, 12) || 'none'})`;
    if (reason) {
      this.refuse(call, reason);
      e.reject(
        new CollectiveError(`group ${exp.groupId} generation ${exp.generation}: ${reason}`, {
          rank: right,
          address: call.getPeer(),
        }),
      );
      return;
    }
    if (hello.tcpData && this.dataPort) {
      const ticket = randomBytes(TICKET_BYTES);
      const key = ticket.toString('hex');
      const data = new Promise<net.Socket>((resolve) => {
        this.tickets.set(key, resolve);
        setTimeout(() => this.tickets.delete(key), this.pendingMs).unref();
      });
      call.write({ accept: { accepted: true, reason: '', dataPort: this.dataPort, ticket } });
      e.resolve({ call, data });
      return;
    }
    call.write({ accept: { accepted: true, reason: '' } });
    e.resolve({ call });
  }

  private refuse(call: OutboundCall, reason: string): void {
    call.write({ accept: { accepted: false, reason } });
    call.end();
  }
}
