import * as grpc from '@grpc/grpc-js';
import {
  ActorUnavailableError,
  authorizeStream,
  bindServer,
  chunksOf,
  decodePayload,
  encodePayload,
  InvalidArgumentError,
  serverCredentials,
  serverOptions,
  shutdownServer,
  toServiceError,
  TwistError,
  type Guard,
  type TlsFiles,
} from '../core/index.js';
import { loadProto, type ActorProto, type wire } from '../proto/index.js';
import type { Actor, ActorClass, ActorContext } from './actors/actor-class.js';

type CallStream = grpc.ServerDuplexStream<wire.CallRequest__Output, wire.CallReply>;

/** Arguments larger than this are refused (send such data through files or in several calls). */
export const MAX_CALL_BYTES = 1 << 30;

interface Queued {
  header: wire.CallHeader__Output;
  call: CallStream;
  payload: Promise<Buffer>;
}

/**
 * Serves one actor's methods over the Actor service. Calls run one at a time in the order their
 * headers arrived (one caller's calls keep their order; the actor never sees two at once), each
 * argument streamed in chunks of at most 1 MiB and the result streamed back the same way.
 */
export class ActorServer {
  private server: grpc.Server | undefined;
  private readonly queue: Queued[] = [];
  private running = false;
  private closed = false;

  constructor(
    private readonly actor: Actor,
    private readonly cls: ActorClass,
    private readonly ctx: ActorContext,
    private readonly guard: Guard,
  ) {}

  /** Listens on host:0 and returns `host:port`. @throws IoError when it cannot bind. */
  async start(host: string, tls?: TlsFiles): Promise<string> {
    const server = new grpc.Server(serverOptions(4 << 20));
    server.addService(loadProto<ActorProto>('actor').twist.v1.Actor.service, {
      Call: (call: CallStream) => this.onCall(call),
    });
    const port = await bindServer(server, host, 0, serverCredentials(tls));
    this.server = server;
    return `${host}:${port}`;
  }

  /** Stops taking calls; queued ones fail as unavailable. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queue.splice(0))
      this.fail(q.call, new ActorUnavailableError(`actor ${this.ctx.actorId} is stopping`));
    if (this.server) await shutdownServer(this.server, 500);
  }

  private onCall(call: CallStream): void {
    call.on('error', () => undefined);
    if (!authorizeStream(this.guard, 'Actor.Call', call as grpc.ServerDuplexStream<unknown, unknown>)) return;
    const parts: Buffer[] = [];
    let size = 0;
    let header: wire.CallHeader__Output | undefined;
    let settle: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
    const payload = new Promise<Buffer>((resolve, reject) => (settle = { resolve, reject }));
    payload.catch(() => undefined);
    call.on('data', (m: wire.CallRequest__Output) => {
      if (!header) {
        if (m.kind !== 'header' || !m.header) {
          this.fail(call, new InvalidArgumentError('header: the first message of a call must be its header'));
          return;
        }
        header = m.header;
        const bad = this.check(header);
        if (bad) {
          this.fail(call, bad);
          return;
        }
        // Tells the caller the call was delivered (a lost connection after this is not retried).
        call.sendMetadata(new grpc.Metadata());
        this.queue.push({ header, call, payload });
        void this.drain();
        return;
      }
      if (m.kind !== 'chunk' || !m.chunk) return;
      size += m.chunk.length;
      if (size > MAX_CALL_BYTES) {
        settle?.reject(new InvalidArgumentError(`chunk: the argument exceeds ${MAX_CALL_BYTES} bytes`));
        return;
      }
      parts.push(m.chunk);
    });
    call.on('end', () => settle?.resolve(Buffer.concat(parts, size)));
    call.on('cancelled', () => settle?.reject(new Error('the caller cancelled')));
  }

  private check(h: wire.CallHeader__Output): Error | undefined {
    if (this.closed) return new ActorUnavailableError(`actor ${this.ctx.actorId} is stopping`);
    if (h.actorId !== this.ctx.actorId)
      return new InvalidArgumentError(`actor_id: this process hosts ${this.ctx.actorId}, not '${h.actorId.slice(0, 64)}'`);
    if (h.incarnation !== this.ctx.incarnation)
      return new ActorUnavailableError(
        `actor ${this.ctx.actorId} restarted: incarnation ${this.ctx.incarnation} here, the call was for ${h.incarnation}`,
      );
    if (!this.cls.methods.includes(h.method))
      return new InvalidArgumentError(
        `method: '${h.method.slice(0, 64)}' is not a method of actor class ${this.cls.name} (${this.cls.methods.join(', ')})`,
      );
    return undefined;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let q = this.queue.shift(); q; q = this.queue.shift()) await this.run(q);
    } finally {
      this.running = false;
    }
  }

  private async run(q: Queued): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await q.payload;
    } catch (err) {
      this.fail(q.call, err);
      return;
    }
    let result: Buffer;
    try {
      const fn = this.actor[q.header.method] as (arg: unknown) => unknown;
      result = encodePayload(await fn.call(this.actor, decodePayload(bytes)));
    } catch (err) {
      this.fail(q.call, err);
      return;
    }
    try {
      for (const c of chunksOf(result)) {
        if (q.call.cancelled) return;
        if (!q.call.write({ chunk: c }))
          await new Promise<void>((r) => {
            q.call.once('drain', r);
            q.call.once('close', r);
          });
      }
      q.call.write({ outcome: { ok: true } });
      q.call.end();
    } catch {
      /* the caller went away */
    }
  }

  /** Ends a call with the error as its outcome (code, message and stack cross the wire). */
  private fail(call: CallStream, err: unknown): void {
    if (call.cancelled || call.writableEnded) return;
    const e = err instanceof Error ? err : new Error(String(err));
    try {
      call.write({
        outcome: {
          ok: false,
          error: {
            name: e.name,
            code: e instanceof TwistError ? e.code : '',
            message: e.message,
            stack: e.stack ?? '',
          },
        },
      });
      call.end();
    } catch {
      call.emit('error', toServiceError(err));
    }
  }
}
