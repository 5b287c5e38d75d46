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
  TwistError,
  type Guard,
  type TlsFiles,
} from '../core/index.js';
import { loadProto, type ActorProto, type wire } from '../proto/index.js';
import type { Actor, ActorClass, ActorContext } from './actors/actor-class.js';

type SessionStream = grpc.ServerDuplexStream<wire.CallRequest__Output, wire.CallReply>;

/** Arguments larger than this are refused (send such data through files or in several calls). */
export const MAX_CALL_BYTES = 1 << 30;

interface Call {
  session: Session;
  seq: number;
  method: string;
  parts: Buffer[];
  size: number;
  complete: boolean;
  cancelled: boolean;
  error: Error | undefined;
}

interface Session {
  stream: SessionStream;
  calls: Map<number, Call>;
  closed: boolean;
}

/**
 * Serves one actor's methods. Each handle holds one Session stream and multiplexes its calls on
 * it; calls run one at a time, in the order their first pieces arrived (so one caller's calls keep
 * their order and the actor never sees two at once). Arguments and results travel in pieces of at
 * most 1 MiB.
 */
export class ActorServer {
  private server: grpc.Server | undefined;
  private readonly queue: Call[] = [];
  private readonly sessions = new Set<Session>();
  private wake: (() => void) | undefined;
  private readonly calls;
  private readonly callSeconds;
  private running = false;
  private closed = false;

  constructor(
    private readonly actor: Actor,
    private readonly cls: ActorClass,
    private readonly ctx: ActorContext,
    private readonly guard: Guard,
  ) {
    this.calls = ctx.metrics.counter(
      'twist_actor_calls_total',
      'Actor method calls, by method and outcome.',
      ['method', 'outcome'],
    );
    this.callSeconds = ctx.metrics.histogram('twist_actor_call_seconds', 'Time an actor method ran.', [
      'method',
    ]);
  }

  /** Listens on host:0 and returns `host:port`. @throws IoError when it cannot bind. */
  async start(host: string, tls?: TlsFiles): Promise<string> {
    const server = new grpc.Server(serverOptions(4 << 20, true));
    server.addService(loadProto<ActorProto>('actor').twist.v1.Actor.service, {
      Session: (stream: SessionStream) => this.onSession(stream),
    });
    const port = await bindServer(server, host, 0, serverCredentials(tls));
    this.server = server;
    return `${host}:${port}`;
  }

  /** Stops taking calls; queued ones fail as unavailable. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.queue.splice(0))
      void this.reply(c, undefined, new ActorUnavailableError(`actor ${this.ctx.actorId} is stopping`));
    for (const s of this.sessions) s.stream.end();
    if (this.server) await shutdownServer(this.server, 500);
  }

  private onSession(stream: SessionStream): void {
    stream.on('error', () => undefined);
    if (!authorizeStream(this.guard, 'Actor.Session', stream as grpc.ServerDuplexStream<unknown, unknown>))
      return;
    // Tells the caller the session is open: calls sent after this may have been delivered.
    stream.sendMetadata(new grpc.Metadata());
    const session: Session = { stream, calls: new Map(), closed: false };
    this.sessions.add(session);
    const end = (): void => {
      session.closed = true;
      this.sessions.delete(session);
      for (const c of session.calls.values()) c.cancelled = true;
      this.wake?.();
    };
    stream.on('end', () => {
      end();
      if (!stream.writableEnded) stream.end();
    });
    stream.on('cancelled', end);
    stream.on('close', end);
    stream.on('data', (m: wire.CallRequest__Output) => this.onPiece(session, m));
  }

  private onPiece(session: Session, m: wire.CallRequest__Output): void {
    let call = session.calls.get(m.seq);
    if (m.cancel) {
      if (call) call.cancelled = true;
      return;
    }
    if (!call) {
      call = {
        session,
        seq: m.seq,
        method: '',
        parts: [],
        size: 0,
        complete: false,
        cancelled: false,
        error: undefined,
      };
      session.calls.set(m.seq, call);
      call.error = m.header
        ? this.check(m.header)
        : new InvalidArgumentError('header: the first piece of a call must carry its header');
      if (m.header) call.method = m.header.method;
      this.queue.push(call);
    }
    if (!call.error && m.data.length) {
      call.size += m.data.length;
      if (call.size > MAX_CALL_BYTES)
        call.error = new InvalidArgumentError(
          `data: the argument of call ${m.seq} exceeds ${MAX_CALL_BYTES} bytes`,
        );
      else call.parts.push(m.data);
    }
    if (m.last) call.complete = true;
    void this.drain();
    this.wake?.();
  }

  private check(h: wire.CallHeader__Output): Error | undefined {
    if (this.closed) return new ActorUnavailableError(`actor ${this.ctx.actorId} is stopping`);
    if (h.actorId !== this.ctx.actorId)
      return new InvalidArgumentError(
        `actor_id: this process hosts ${this.ctx.actorId}, not '${h.actorId.slice(0, 64)}'`,
      );
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
      while (this.queue.length) {
        const c = this.queue[0]!;
        if (!c.complete && !c.cancelled && !c.error) {
          // Wait for the rest of its pieces (calls behind it wait too: order is kept).
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
          continue;
        }
        this.queue.shift();
        c.session.calls.delete(c.seq);
        if (c.cancelled) continue;
        await this.run(c);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(c: Call): Promise<void> {
    if (c.error) {
      this.calls.inc({ method: 'invalid', outcome: 'refused' });
      return this.reply(c, undefined, c.error);
    }
    let result: Buffer;
    const t0 = performance.now();
    try {
      const fn = this.actor[c.method] as (arg: unknown) => unknown;
      result = encodePayload(await fn.call(this.actor, decodePayload(Buffer.concat(c.parts, c.size))));
    } catch (err) {
      this.calls.inc({ method: c.method, outcome: 'error' });
      return this.reply(c, undefined, err);
    } finally {
      this.callSeconds.observe({ method: c.method }, (performance.now() - t0) / 1000);
    }
    this.calls.inc({ method: c.method, outcome: 'ok' });
    await this.reply(c, result);
  }

  /** Sends a result (in pieces) or an error as the outcome of a call. */
  private async reply(c: Call, result: Buffer | undefined, err?: unknown): Promise<void> {
    const s = c.session;
    if (s.closed) return;
    try {
      if (err !== undefined) {
        const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err));
        s.stream.write({
          seq: c.seq,
          last: true,
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
        return;
      }
      const pieces = chunksOf(result!);
      for (const [i, data] of pieces.entries()) {
        if (s.closed) return;
        const last = i === pieces.length - 1;
        const ok = s.stream.write({ seq: c.seq, data, last, ...(last ? { outcome: { ok: true } } : {}) });
        if (!ok)
          await new Promise<void>((r) => {
            const done = (): void => {
              s.stream.off('drain', done);
              s.stream.off('close', done);
              r();
            };
            s.stream.on('drain', done);
            s.stream.on('close', done);
          });
      }
    } catch {
      /* the caller went away */
    }
  }
}
