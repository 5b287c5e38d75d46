import * as grpc from '@grpc/grpc-js';
import {
  ActorDiedError,
  ActorUnavailableError,
  CancelledError,
  chunksOf,
  decodePayload,
  encodePayload,
  errorForCode,
  fromServiceError,
  GetTimeoutError,
  RemoteError,
  TwistError,
  type CallOptions,
} from '../core/index.js';
import type { ActorClient, wire } from '../proto/index.js';

/** What a handle needs from its cluster client. */
export interface HandleHost {
  /** The actor's record from the head; waits (up to `waitMs`) for it to be ALIVE past `after` or DEAD. */
  actorInfo(id: string, waitMs: number, after: number, signal?: AbortSignal): Promise<wire.ActorInfo__Output>;
  /** The Actor client of an address (cached per address). */
  actorClient(address: string): ActorClient;
  /** Default deadline of a call. */
  readonly callTimeoutMs: number;
  /** How long a call that lost its actor waits for the head's verdict. */
  readonly verdictWaitMs: number;
  killActor(id: string, allowRestart: boolean): Promise<void>;
}

let callerSeq = 0;

/**
 * A typed handle to an actor: `call('method', arg, {timeoutMs, signal})`. Calls from one handle run
 * in the order they were made. A call is at most once: when its actor dies during it, the call
 * fails ({@link ActorDiedError} when the actor is dead for good, {@link ActorUnavailableError}
 * when it restarts) and is not retried; calls made while it restarts wait for it.
 */
export class ActorHandle {
  private info: wire.ActorInfo__Output | undefined;
  private resolving: Promise<wire.ActorInfo__Output> | undefined;
  private seq = 0;
  private readonly callerId = `${process.pid}-${++callerSeq}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    readonly id: string,
    private readonly host: HandleHost,
  ) {}

  /**
   * Waits until the actor is ALIVE. @returns its record.
   * @throws ActorDiedError when it died (its constructor failed, no node could run it);
   * GetTimeoutError after `timeoutMs` (default: the call timeout).
   */
  async ready(timeoutMs = this.host.callTimeoutMs, signal?: AbortSignal): Promise<wire.ActorInfo__Output> {
    this.info = undefined;
    return this.alive(Date.now() + timeoutMs, signal);
  }

  /**
   * Calls a method with one (structured-clone) argument. @returns its result.
   * @throws the typed error the method threw (its remote message and stack kept: `RemoteError`
   * for errors that are not the project's), ActorDiedError, ActorUnavailableError, GetTimeoutError
   * (deadline, default `callTimeoutMs`), CancelledError (signal).
   */
  async call<T = unknown>(method: string, arg?: unknown, opts: CallOptions = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.host.callTimeoutMs);
    const seq = this.seq++;
    const bytes = encodePayload(arg);
    for (let attempt = 0; ; attempt++) {
      const info = await this.alive(deadline, opts.signal);
      try {
        return (await this.stream(info, method, seq, bytes, deadline, opts.signal)) as T;
      } catch (err) {
        if (!(err instanceof LostActor)) throw err;
        this.info = undefined;
        // Never delivered (the old process is gone and refused the connection): safe to send to
        // the actor's next incarnation. Delivered or unknown: at most once, say what happened.
        if (!err.delivered && attempt < 3) {
          const next = await this.host
            .actorInfo(
              this.id,
              Math.max(1, Math.min(this.host.verdictWaitMs, deadline - Date.now())),
              info.incarnation,
              opts.signal,
            )
            .catch(() => undefined);
          if (next?.state === 'ALIVE') {
            this.info = next;
            continue;
          }
        }
        throw await this.verdict(info, method, err, deadline, opts.signal);
      }
    }
  }

  /** Kills the actor (for good, unless `allowRestart` and it has restarts left). */
  kill(opts: { allowRestart?: boolean } = {}): Promise<void> {
    this.info = undefined;
    return this.host.killActor(this.id, opts.allowRestart ?? false);
  }

  private async alive(deadline: number, signal?: AbortSignal): Promise<wire.ActorInfo__Output> {
    if (this.info) return this.info;
    this.resolving ??= (async () => {
      try {
        const info = await this.host.actorInfo(this.id, Math.max(1, deadline - Date.now()), -1, signal);
        if (info.state === 'DEAD') throw new ActorDiedError(`actor ${this.id} is dead: ${info.deathCause}`);
        if (info.state !== 'ALIVE') throw new GetTimeoutError(`actor ${this.id} is still ${info.state}`);
        this.info = info;
        return info;
      } finally {
        this.resolving = undefined;
      }
    })();
    return this.resolving;
  }

  /** After a lost connection: what the head says happened to the actor. */
  private async verdict(
    info: wire.ActorInfo__Output,
    method: string,
    lost: LostActor,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<Error> {
    const what = `actor ${this.id}.${method}`;
    const wait = Math.max(1, Math.min(this.host.verdictWaitMs, deadline - Date.now()));
    try {
      const now = await this.host.actorInfo(this.id, wait, info.incarnation, signal);
      if (now.state === 'DEAD')
        return new ActorDiedError(`${what}: the actor died during the call: ${now.deathCause}`, {
          cause: lost,
        });
      return new ActorUnavailableError(
        `${what}: the actor's process ended during the call (${now.deathCause || lost.message}); it restarted as incarnation ${now.incarnation}, the call was not retried`,
        { cause: lost },
      );
    } catch (err) {
      if (err instanceof GetTimeoutError)
        return new ActorUnavailableError(
          `${what}: lost the actor (${lost.message}); the head still reports it alive`,
          {
            cause: lost,
          },
        );
      return err as Error;
    }
  }

  private stream(
    info: wire.ActorInfo__Output,
    method: string,
    seq: number,
    bytes: Buffer,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const what = `actor ${this.id}.${method}`;
    return new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CancelledError(`${what}: aborted`, { cause: signal.reason }));
        return;
      }
      const client = this.host.actorClient(info.address);
      const call = client.Call({ deadline });
      const parts: Buffer[] = [];
      let outcome: wire.CallOutcome__Output | undefined;
      let settled = false;
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        f();
      };
      const onAbort = (): void => {
        finish(() => reject(new CancelledError(`${what}: aborted`, { cause: signal?.reason })));
        call.cancel();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      call.on('data', (m: wire.CallReply__Output) => {
        if (m.kind === 'chunk' && m.chunk) parts.push(m.chunk);
        else if (m.kind === 'outcome') outcome = m.outcome ?? undefined;
      });
      let received = false;
      call.on('metadata', () => (received = true));
      call.on('error', (err: grpc.ServiceError) =>
        finish(() => {
          if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.INTERNAL)
            reject(
              new LostActor(
                err.details || err.message,
                !received && /ECONNREFUSED|No connection established/.test(err.details ?? '')
                  ? false
                  : true,
                err,
              ),
            );
          else reject(fromServiceError(err, what));
        }),
      );
      call.on('end', () =>
        finish(() => {
          if (!outcome) return reject(new LostActor('the call ended without an outcome', true));
          if (!outcome.ok) return reject(remoteError(what, outcome.error));
          try {
            resolve(decodePayload(Buffer.concat(parts)));
          } catch (err) {
            reject(err as Error);
          }
        }),
      );
      call.write({
        header: { actorId: this.id, method, callerId: this.callerId, seq, incarnation: info.incarnation },
      });
      for (const c of chunksOf(bytes)) call.write({ chunk: c });
      call.end();
    });
  }
}

/** The connection to the actor broke mid-call (its process or node died, or a restart). */
class LostActor extends Error {
  constructor(
    message: string,
    /** False only when the call provably never reached the actor (connection refused). */
    readonly delivered: boolean,
    cause?: unknown,
  ) {
    super(message, { cause });
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
