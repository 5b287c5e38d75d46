import * as grpc from '@grpc/grpc-js';
import type { TwistError } from '../core/index.js';
import {
  CancelledError,
  chunksOf,
  decodePayload,
  errorForCode,
  fromServiceError,
  GetTimeoutError,
  RemoteError,
} from '../core/index.js';
import type { ActorClient, wire } from '../proto/index.js';

/** The session to the actor broke (its process or node died, or it restarted elsewhere). */
export class LostActor extends Error {
  constructor(
    message: string,
    /** False only when the call provably never reached the actor (the session never opened). */
    readonly delivered: boolean,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

interface Pending {
  what: string;
  parts: Buffer[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  cleanup: () => void;
}

/**
 * One handle's Session stream to one incarnation of an actor: calls are multiplexed on it by seq,
 * each with its own deadline and AbortSignal (a late call is cancelled on the stream). When the
 * stream breaks every pending call fails with {@link LostActor}.
 */
export class ActorSession {
  private readonly stream: grpc.ClientDuplexStream<wire.CallRequest, wire.CallReply__Output>;
  private readonly pending = new Map<number, Pending>();
  private opened = false;
  private seq = 0;
  broken: LostActor | undefined;

  constructor(
    client: ActorClient,
    readonly actorId: string,
    readonly address: string,
    readonly incarnation: number,
  ) {
    this.stream = client.Session();
    this.stream.on('metadata', () => (this.opened = true));
    this.stream.on('data', (m: wire.CallReply__Output) => this.onReply(m));
    this.stream.on('error', (err: grpc.ServiceError) => {
      const lost =
        err.code === grpc.status.UNAVAILABLE ||
        err.code === grpc.status.INTERNAL ||
        err.code === grpc.status.CANCELLED;
      this.breakWith(
        lost
          ? new LostActor(err.details || err.message, this.opened, err)
          : fromServiceError(err, `actor ${actorId} session`),
      );
    });
    this.stream.on('end', () => this.breakWith(new LostActor('the actor closed the session', this.opened)));
  }

  /** Sends one call and resolves with its decoded result. @throws as {@link ActorHandle.call}. */
  call(method: string, bytes: Buffer, deadline: number, signal?: AbortSignal): Promise<unknown> {
    const what = `actor ${this.actorId}.${method}`;
    if (this.broken) return Promise.reject(this.broken);
    if (signal?.aborted)
      return Promise.reject(new CancelledError(`${what}: aborted`, { cause: signal.reason }));
    const seq = this.seq++;
    return new Promise<unknown>((resolve, reject) => {
      const giveUp = (e: Error): void => {
        if (!this.pending.delete(seq)) return;
        cleanup();
        if (!this.broken) this.stream.write({ seq, cancel: true });
        reject(e);
      };
      const timer = setTimeout(
        () => giveUp(new GetTimeoutError(`${what}: no answer within ${Math.round(deadline - start)} ms`)),
        Math.max(0, deadline - Date.now()),
      );
      const start = Date.now();
      const onAbort = (): void => giveUp(new CancelledError(`${what}: aborted`, { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(seq, { what, parts: [], resolve, reject, cleanup });
      const pieces = chunksOf(bytes);
      pieces.forEach((data, i) =>
        this.stream.write({
          seq,
          data,
          last: i === pieces.length - 1,
          ...(i === 0 ? { header: { actorId: this.actorId, method, incarnation: this.incarnation } } : {}),
        }),
      );
    });
  }

  /** Ends the session (pending calls fail as lost). */
  close(): void {
    this.breakWith(new LostActor('the handle closed', true));
    this.stream.cancel();
  }

  private onReply(m: wire.CallReply__Output): void {
    const p = this.pending.get(m.seq);
    if (!p) return;
    if (m.data.length) p.parts.push(m.data);
    if (!m.last) return;
    this.pending.delete(m.seq);
    p.cleanup();
    const o = m.outcome;
    if (!o?.ok) return p.reject(remoteError(p.what, o?.error));
    try {
      p.resolve(decodePayload(p.parts.length === 1 ? p.parts[0]! : Buffer.concat(p.parts)));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private breakWith(e: LostActor | TwistError): void {
    if (this.broken) return;
    this.broken = e instanceof LostActor ? e : new LostActor(e.message, this.opened, e);
    for (const p of this.pending.values()) {
      p.cleanup();
      p.reject(e instanceof LostActor ? new LostActor(e.message, e.delivered, e.cause) : e);
    }
    this.pending.clear();
  }
}

/** Rebuilds an actor method's error: its class by code when it is one of the project's. */
function remoteError(what: string, e: wire.RemoteError__Output | null | undefined): TwistError {
  const msg = `${what}: ${e?.message ?? 'failed'}`;
  const typed = e?.code ? errorForCode(e.code, msg) : undefined;
  const err =
    typed ??
    new RemoteError(
      `${what}: ${e?.name ?? 'Error'}: ${e?.message ?? ''}`,
      e?.name ?? 'Error',
      e?.stack ?? '',
    );
  if (typed && e?.stack) Object.defineProperty(err, 'remoteStack', { value: e.stack, enumerable: false });
  return err;
}
