import type { Logger, ProcessMetrics, TlsFiles } from '../../core/index.js';

/** What an actor's constructor and methods get from the process that hosts them. */
export interface ActorContext {
  actorId: string;
  nodeId: string;
  /** 0 for the first start, +1 per restart. */
  incarnation: number;
  /** The GPUs the actor was given (also in CUDA_VISIBLE_DEVICES). */
  gpuIds: number[];
  log: Logger;
  /** Aborted when the actor is being stopped. */
  signal: AbortSignal;
  /** The process's metrics (served on its /metrics): actors add their own series here. */
  metrics: ProcessMetrics;
  /** How this actor reaches the cluster (to call other actors, serve a collective). */
  cluster: { head: string; token: string; tls: TlsFiles; host: string };
  /**
   * A directory on a tmpfs that only this process uses, removed by the worker once the process has
   * exited however it ended; undefined where the worker has none (`shmDir: ''`, or no tmpfs).
   */
  scratchDir?: string | undefined;
}

/** A live actor: the methods its class lists, and an optional `close` run when it stops. */
export interface Actor {
  [method: string]: unknown;
  close?(): Promise<void> | void;
}

/**
 * An actor class of the workers' registry. Only the methods named in `methods` can be called from
 * the wire; each gets the decoded argument and returns (or resolves to) a clonable result.
 */
export interface ActorClass<A extends Actor = Actor> {
  readonly name: string;
  readonly methods: readonly string[];
  create(args: unknown, ctx: ActorContext): Promise<A> | A;
}

/** Defines an actor class with its method list checked against the instance type. */
export function defineActor<A extends Actor>(def: {
  name: string;
  methods: readonly NoInfer<keyof A & string>[];
  create: (args: unknown, ctx: ActorContext) => Promise<A> | A;
}): ActorClass<A> {
  return def;
}
