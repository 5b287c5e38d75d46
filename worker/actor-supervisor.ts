import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ActorUnavailableError,
  CancelledError,
  GetTimeoutError,
  InvalidArgumentError,
  RemoteError,
  type Logger,
  type TlsFiles,
} from '../core/index.js';
import type { ReadyMessage, StartMessage } from './actor-process-messages.js';
import type { ScratchDirs } from './scratch-dirs.js';

const ENTRY = fileURLToPath(new URL('./actor-process-main.js', import.meta.url));

/** An actor process the worker hosts. */
export interface HostedActor {
  actorId: string;
  incarnation: number;
  pid: number;
  address: string;
  metricsAddress: string;
  child: ChildProcess;
  stopping: boolean;
  /** Fork to the process's first message, and from there to ready (ms). */
  processStartMs: number;
  constructorMs: number;
}

/** How an actor process ended. */
export interface ActorExit {
  actorId: string;
  incarnation: number;
  exitCode: number;
  signal: string;
  reason: string;
}

export interface StartSpec {
  actorId: string;
  className: string;
  args: Uint8Array;
  incarnation: number;
  gpuIds: number[];
}

/**
 * Starts each actor in its own Node.js process (`CUDA_VISIBLE_DEVICES` set to its GPUs), watches
 * it, and reports how it ended. Actor processes exit on their own when the worker dies (their IPC
 * channel closes), so a SIGKILLed worker leaves no orphans serving calls.
 */
export class ActorSupervisor {
  private readonly actors = new Map<string, HostedActor>();

  constructor(
    private readonly opts: {
      nodeId: () => string;
      host: string;
      head: string;
      token: string;
      tls: TlsFiles;
      stopGraceMs: number;
      /** Where each actor gets a tmpfs scratch directory (none when undefined). */
      scratch?: ScratchDirs | undefined;
    },
    private readonly onExit: (e: ActorExit) => void,
    private readonly log: Logger,
  ) {}

  /** Live actors (for re-registration). */
  list(): HostedActor[] {
    return [...this.actors.values()].filter((a) => a.address !== '');
  }

  /**
   * Starts an actor process and resolves once its constructor returned and it listens.
   * @throws RemoteError (or the typed error it threw) when the constructor failed;
   * GetTimeoutError/CancelledError when `signal` aborts first (the process is killed).
   */
  async start(spec: StartSpec, signal: AbortSignal): Promise<HostedActor> {
    const existing = this.actors.get(spec.actorId);
    if (existing && existing.incarnation === spec.incarnation && existing.address) return existing;
    if (existing) await this.stop(spec.actorId, 'replaced by a newer incarnation');
    const scratchDir = this.opts.scratch?.create(spec.actorId, spec.incarnation);
    const child = fork(ENTRY, [], {
      env: {
        ...process.env,
        CUDA_VISIBLE_DEVICES: spec.gpuIds.join(','),
        TWIST_ACTOR_ID: spec.actorId,
        TWIST_NODE_ID: this.opts.nodeId(),
      },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const hosted: HostedActor = {
      actorId: spec.actorId,
      incarnation: spec.incarnation,
      pid: child.pid ?? 0,
      address: '',
      metricsAddress: '',
      child,
      stopping: false,
      processStartMs: 0,
      constructorMs: 0,
    };
    const forkedAt = performance.now();
    let bootedAt = forkedAt;
    this.actors.set(spec.actorId, hosted);
    // A message to an actor whose process just died fails its IPC write (EPIPE): that actor's exit
    // is handled below; the worker must not die of the unhandled 'error'.
    child.on('error', (err) =>
      this.log.warn({ actor_id: spec.actorId, err: err.message }, 'actor process channel failed'),
    );
    child.once('exit', (code, sig) => {
      if (this.actors.get(spec.actorId) === hosted) this.actors.delete(spec.actorId);
      if (scratchDir) this.opts.scratch?.remove(scratchDir);
      const reason = hosted.stopping ? 'stopped' : hosted.address ? '' : 'during start';
      this.log.info({ actor_id: spec.actorId, code, signal: sig, reason }, 'actor process exited');
      this.onExit({
        actorId: spec.actorId,
        incarnation: spec.incarnation,
        exitCode: code ?? -1,
        signal: sig ?? '',
        reason,
      });
    });
    const msg: StartMessage = {
      type: 'start',
      actorId: spec.actorId,
      nodeId: this.opts.nodeId(),
      className: spec.className,
      args: spec.args,
      incarnation: spec.incarnation,
      gpuIds: spec.gpuIds,
      host: this.opts.host,
      head: this.opts.head,
      token: this.opts.token,
      tls: this.opts.tls,
      scratchDir: scratchDir ?? '',
    };
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const onMsg = (m: ReadyMessage): void => {
          if (m.type === 'booted') {
            bootedAt = performance.now();
            hosted.processStartMs = bootedAt - forkedAt;
            return;
          }
          cleanup();
          if (m.type === 'ready') {
            hosted.metricsAddress = m.metricsAddress;
            resolve(m.address);
          } else {
            const e = m.error;
            reject(
              e.code === 'INVALID_ARGUMENT'
                ? new InvalidArgumentError(`constructor of ${spec.className}: ${e.message}`)
                : new RemoteError(
                    `constructor of ${spec.className} threw ${e.name}: ${e.message}`,
                    e.name,
                    e.stack,
                  ),
            );
          }
        };
        const onExit = (code: number | null, sig: string | null): void => {
          cleanup();
          reject(
            new ActorUnavailableError(`actor process exited during start (code ${code}, signal ${sig})`),
          );
        };
        const onAbort = (): void => {
          cleanup();
          reject(
            signal.reason instanceof Error && signal.reason.name === 'TimeoutError'
              ? new GetTimeoutError('actor start timed out')
              : new CancelledError('actor start cancelled by the head'),
          );
        };
        const cleanup = (): void => {
          child.off('message', onMsg);
          child.off('exit', onExit);
          signal.removeEventListener('abort', onAbort);
        };
        child.on('message', onMsg);
        child.once('exit', onExit);
        signal.addEventListener('abort', onAbort, { once: true });
        child.send(msg);
      });
      hosted.address = address;
      hosted.constructorMs = performance.now() - bootedAt;
      return hosted;
    } catch (err) {
      hosted.stopping = true;
      child.kill('SIGKILL');
      throw err;
    }
  }

  /**
   * Stops an actor: asks it to close, SIGKILL after the grace. Only `incarnation` when given.
   * Resolves once the process is gone. Unknown actors are ignored.
   */
  async stop(actorId: string, reason: string, incarnation?: number): Promise<void> {
    const a = this.actors.get(actorId);
    if (!a || (incarnation !== undefined && a.incarnation !== incarnation)) return;
    a.stopping = true;
    this.log.info({ actor_id: actorId, reason }, 'stopping actor');
    const gone = new Promise<void>((r) => {
      if (a.child.exitCode !== null || a.child.signalCode !== null) r();
      else a.child.once('exit', () => r());
    });
    try {
      a.child.send({ type: 'stop', reason }, (err) => {
        if (err) a.child.kill('SIGTERM');
      });
    } catch {
      a.child.kill('SIGTERM');
    }
    const t = setTimeout(() => a.child.kill('SIGKILL'), this.opts.stopGraceMs);
    await gone;
    clearTimeout(t);
  }

  /** Stops every actor. */
  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.actors.keys()].map((id) => this.stop(id, reason)));
  }

  /** Kills every actor at once (the head is gone, or the worker is exiting hard). */
  killAll(): void {
    for (const a of this.actors.values()) {
      a.stopping = true;
      a.child.kill('SIGKILL');
    }
  }
}
