import {
  ActorDiedError,
  ActorUnavailableError,
  encodePayload,
  GetTimeoutError,
  type CallOptions,
} from '../core/index.js';
import type { ActorClient, wire } from '../proto/index.js';
import { ActorSession, LostActor } from './actor-session.js';

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

/**
 * A typed handle to an actor: `call('method', arg, {timeoutMs, signal})`. Calls from one handle run
 * in the order they were made. A call is at most once: when its actor dies during it, the call
 * fails ({@link ActorDiedError} when the actor is dead for good, {@link ActorUnavailableError}
 * when it restarts) and is not retried; calls made while it restarts wait for it.
 */
export class ActorHandle {
  private info: wire.ActorInfo__Output | undefined;
  private resolving: Promise<wire.ActorInfo__Output> | undefined;
  private current: ActorSession | undefined;
  private sendChain: Promise<void> = Promise.resolve();

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
    const bytes = encodePayload(arg);
    for (let attempt = 0; ; attempt++) {
      // Sends go out in the order calls were made, even while the actor's address is looked up.
      const sent = this.sendChain.then(async () => {
        const info = await this.alive(deadline, opts.signal);
        return { info, result: this.session(info).call(method, bytes, deadline, opts.signal) };
      });
      this.sendChain = sent.then(
        () => undefined,
        () => undefined,
      );
      const { info, result } = await sent;
      try {
        return (await result) as T;
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

  /** Closes the handle's session (pending calls fail); the actor lives on. */
  close(): void {
    this.current?.close();
    this.current = undefined;
  }

  private session(info: wire.ActorInfo__Output): ActorSession {
    const s = this.current;
    if (s && !s.broken && s.address === info.address && s.incarnation === info.incarnation) return s;
    s?.close();
    this.current = new ActorSession(
      this.host.actorClient(info.address),
      this.id,
      info.address,
      info.incarnation,
    );
    return this.current;
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
}
