import {
  callUnary,
  clientArgs,
  encodePayload,
  type CallOptions,
  type ReplyOf,
  type RequestOf,
  type Resources,
  type TlsFiles,
} from '../core/index.js';
import {
  loadProto,
  type ActorClient,
  type ActorProto,
  type ClusterClient as ClusterStub,
  type ClusterProto,
  type JobsClient as JobsStub,
  type JobsProto,
  type wire,
} from '../proto/index.js';
import { ActorHandle, type HandleHost } from './actor-handle.js';

/** How to reach a cluster. */
export interface ConnectOptions {
  /** The head's `host:port`. */
  head: string;
  token: string;
  tls?: TlsFiles | undefined;
  /** Registers a job (its actors die with it unless detached); default true. */
  job?: boolean;
  jobName?: string;
  /** Attach to this submitted job instead of registering one (the driver the head started for it). */
  attachJob?: string;
  /** Default deadline of control-plane calls (default 10 s). */
  rpcTimeoutMs?: number;
  /** Default deadline of actor calls (default 300 s). */
  callTimeoutMs?: number;
  /** How long a call that lost its actor waits for the head to say what happened (default 15 s). */
  verdictWaitMs?: number;
}

/** Options of a new actor. Defaults: no resources, PACK, no restarts, not detached. */
export interface ActorOptions {
  resources?: Resources;
  strategy?: 'PACK' | 'SPREAD';
  maxRestarts?: number;
  placementGroup?: string | { id: string };
  /** Bundle of the group (-1, the default: any bundle with room). */
  bundleIndex?: number;
  labelSelector?: Record<string, string>;
  name?: string;
  detached?: boolean;
}

export type PlacementStrategyName = 'PACK' | 'STRICT_PACK' | 'SPREAD' | 'STRICT_SPREAD';

/** The cluster as the head reports it (`twist status --json` prints this shape). */
export interface ClusterStatus {
  nodes: {
    id: string;
    address: string;
    hostname: string;
    state: string;
    resources: { total: Resources; available: Resources };
    labels: Record<string, string>;
    gpus: { index: number; name: string; memoryBytes: number; declared: boolean }[];
    lastSeenMs: number;
    deathCause: string;
    metricsAddress: string;
  }[];
  actors: {
    id: string;
    className: string;
    name: string;
    jobId: string;
    nodeId: string;
    pid: number;
    state: string;
    restarts: number;
    maxRestarts: number;
    deathCause: string;
    resources: Resources;
    gpuIds: number[];
    placementGroupId: string;
    metricsAddress: string;
  }[];
  placementGroups: {
    id: string;
    name: string;
    jobId: string;
    strategy: string;
    state: string;
    bundles: Resources[];
    bundleNodes: string[];
  }[];
  pending: { kind: string; id: string; bundles: Resources[]; strategy: string; sinceMs: number }[];
  jobs: {
    id: string;
    name: string;
    state: string;
    startMs: number;
    endMs: number;
    message: string;
    submitted: boolean;
  }[];
  headInstance: string;
  unauthenticatedTotal: number;
}

/**
 * A driver's connection to the cluster: creates actors and placement groups, reads the cluster's
 * status. It registers a job (kept alive by heartbeats); `close` ends the job, and the head kills
 * the job's actors that are not detached.
 */
export class ClusterClient implements HandleHost {
  readonly callTimeoutMs: number;
  readonly verdictWaitMs: number;
  private readonly rpcTimeoutMs: number;
  private readonly stub: ClusterStub;
  private readonly jobsStub: JobsStub;
  private readonly actorClients = new Map<string, ActorClient>();
  private readonly actorCtor = loadProto<ActorProto>('actor').twist.v1.Actor;
  private beat: NodeJS.Timeout | undefined;
  private closed = false;
  jobId = '';

  private constructor(private readonly opts: ConnectOptions) {
    const [creds, options] = clientArgs({ token: opts.token, tls: opts.tls });
    this.stub = new (loadProto<ClusterProto>('cluster').twist.v1.Cluster)(opts.head, creds, options);
    this.jobsStub = new (loadProto<JobsProto>('jobs').twist.v1.Jobs)(opts.head, creds, options);
    this.rpcTimeoutMs = opts.rpcTimeoutMs ?? 10_000;
    this.callTimeoutMs = opts.callTimeoutMs ?? 300_000;
    this.verdictWaitMs = opts.verdictWaitMs ?? 15_000;
  }

  /**
   * Connects (and registers a job unless `job: false`).
   * @throws UnavailableError when the head cannot be reached; UnauthenticatedError for a bad token.
   */
  static async connect(opts: ConnectOptions): Promise<ClusterClient> {
    const c = new ClusterClient(opts);
    try {
      if (opts.job ?? true) {
        const rep = await c.rpc(
          'RegisterJob',
          { name: opts.jobName ?? `driver-${process.pid}`, attachJobId: opts.attachJob ?? '' },
          'RegisterJob',
        );
        c.jobId = rep.jobId;
        const every = Math.max(100, Math.floor(rep.heartbeatTimeoutMs / 3));
        c.beat = setInterval(() => {
          c.rpc('JobHeartbeat', { jobId: c.jobId }, 'JobHeartbeat').catch(() => undefined);
        }, every);
        c.beat.unref();
      } else await c.status();
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  /**
   * Creates an actor of a registered class; it is scheduled at once. @returns its handle (use
   * `ready()` to wait for its constructor).
   * @throws InfeasibleError when no node can ever fit it; InvalidArgumentError for bad options.
   */
  async createActor(className: string, args?: unknown, o: ActorOptions = {}): Promise<ActorHandle> {
    const pg = typeof o.placementGroup === 'string' ? o.placementGroup : (o.placementGroup?.id ?? '');
    const rep = await this.rpc(
      'CreateActor',
      {
        jobId: this.jobId,
        className,
        args: encodePayload(args),
        resources: o.resources ?? {},
        strategy: o.strategy ?? 'PACK',
        maxRestarts: o.maxRestarts ?? 0,
        placementGroupId: pg,
        bundleIndex: o.bundleIndex ?? -1,
        labelSelector: o.labelSelector ?? {},
        name: o.name ?? '',
        detached: o.detached ?? false,
      },
      'CreateActor',
    );
    return new ActorHandle(rep.actorId, this);
  }

  /** A handle to an existing actor. */
  actor(id: string): ActorHandle {
    return new ActorHandle(id, this);
  }

  /**
   * Reserves bundles all-or-nothing. @returns the group's id (PENDING until it fits; see
   * `waitPlacementGroup`). @throws InfeasibleError when it can never fit.
   */
  async createPlacementGroup(
    bundles: Resources[],
    strategy: PlacementStrategyName = 'PACK',
    name = '',
  ): Promise<string> {
    const rep = await this.rpc(
      'CreatePlacementGroup',
      { jobId: this.jobId, bundles: bundles.map((resources) => ({ resources })), strategy, name },
      'CreatePlacementGroup',
    );
    return rep.placementGroupId;
  }

  /** A placement group; waits up to `waitMs` for it to be CREATED. @throws GetTimeoutError. */
  async placementGroup(id: string, waitMs = 0): Promise<wire.PlacementGroupInfo__Output> {
    const rep = await this.rpc(
      'GetPlacementGroup',
      { placementGroupId: id, waitReadyMs: waitMs },
      'GetPlacementGroup',
      waitMs + this.rpcTimeoutMs,
    );
    return rep.placementGroup!;
  }

  async removePlacementGroup(id: string): Promise<void> {
    await this.rpc('RemovePlacementGroup', { placementGroupId: id }, 'RemovePlacementGroup');
  }

  async actorInfo(id: string, waitMs = 0, after = -1, signal?: AbortSignal): Promise<wire.ActorInfo__Output> {
    const rep = await this.rpc(
      'GetActor',
      { actorId: id, waitReadyMs: waitMs, afterIncarnation: after },
      'GetActor',
      waitMs + this.rpcTimeoutMs,
      signal,
    );
    return rep.actor!;
  }

  async killActor(id: string, allowRestart = false): Promise<void> {
    await this.rpc('KillActor', { actorId: id, allowRestart }, 'KillActor');
  }

  /** The cluster's nodes, actors, placement groups, pending demand and jobs. */
  async status(): Promise<ClusterStatus> {
    const s = await this.rpc('GetClusterStatus', {}, 'GetClusterStatus');
    return {
      nodes: s.nodes.map((n) => ({
        id: n.nodeId,
        address: n.address,
        hostname: n.hostname,
        state: n.state,
        resources: { total: n.total, available: n.available },
        labels: n.labels,
        gpus: n.gpus.map((g) => ({
          index: g.index,
          name: g.name,
          memoryBytes: g.memoryBytes,
          declared: g.declared,
        })),
        lastSeenMs: n.lastSeenMs,
        deathCause: n.deathCause,
        metricsAddress: n.metricsAddress,
      })),
      actors: s.actors.map((a) => ({
        id: a.actorId,
        className: a.className,
        name: a.name,
        jobId: a.jobId,
        nodeId: a.nodeId,
        pid: a.pid,
        state: a.state,
        restarts: a.restarts,
        maxRestarts: a.maxRestarts,
        deathCause: a.deathCause,
        resources: a.resources,
        gpuIds: a.gpuIds,
        placementGroupId: a.placementGroupId,
        metricsAddress: a.metricsAddress,
      })),
      placementGroups: s.placementGroups.map((g) => ({
        id: g.placementGroupId,
        name: g.name,
        jobId: g.jobId,
        strategy: g.strategy,
        state: g.state,
        bundles: g.bundles.map((b) => b.resources),
        bundleNodes: g.bundleNodes,
      })),
      pending: s.pending.map((p) => ({
        kind: p.kind,
        id: p.id,
        bundles: p.bundles.map((b) => b.resources),
        strategy: p.strategy,
        sinceMs: p.sinceMs,
      })),
      jobs: s.jobs.map((j) => ({
        id: j.jobId,
        name: j.name,
        state: j.state,
        startMs: j.startMs,
        endMs: j.endMs,
        message: j.message,
        submitted: j.submitted,
      })),
      headInstance: s.headInstance,
      unauthenticatedTotal: s.unauthenticatedTotal,
    };
  }

  /** Sends a run's figures to the head's history (the dashboard's charts). */
  async reportRunMetrics(values: Record<string, number>, timeMs = Date.now()): Promise<void> {
    await this.rpc('ReportRunMetrics', { jobId: this.jobId, timeMs, values }, 'ReportRunMetrics');
  }

  /** Stops the whole cluster (head and workers). */
  async stopCluster(): Promise<void> {
    await this.rpc('Shutdown', {}, 'Shutdown');
  }

  actorClient(address: string): ActorClient {
    let c = this.actorClients.get(address);
    if (!c) {
      const [creds, options] = clientArgs({
        token: this.opts.token,
        tls: this.opts.tls,
        maxMessageBytes: 4 << 20,
      });
      // An actor busy in a long synchronous computation (a training stretch, an evaluation) cannot
      // answer HTTP/2 pings; a dead actor process closes its socket at once, and a dead node is the
      // head's to detect. So pings here are rare and patient.
      c = new this.actorCtor(address, creds, {
        ...options,
        'grpc.keepalive_time_ms': 300_000,
        'grpc.keepalive_timeout_ms': 120_000,
      });
      this.actorClients.set(address, c);
    }
    return c;
  }

  /**
   * Submits a job whose driver the head runs (`twist train` with `trainArgs`).
   * @throws InvalidArgumentError for flags the head sets itself; UnavailableError when the head
   * cannot run drivers.
   */
  async submitJob(name: string, trainArgs: readonly string[]): Promise<{ jobId: string; logPath: string }> {
    return this.jobsRpc('SubmitJob', { name, trainArgs: [...trainArgs] }, 'SubmitJob');
  }

  /** A job's state, progress and (submitted jobs) driver. @throws NotFoundError for an unknown job. */
  async jobStatus(jobId: string): Promise<wire.GetJobReply__Output> {
    return this.jobsRpc('GetJob', { jobId }, 'GetJob');
  }

  /** A piece of a submitted job's driver log from `offset`. @throws NotFoundError, InvalidArgumentError. */
  async jobLogs(jobId: string, offset: number, maxBytes = 0): Promise<wire.GetJobLogsReply__Output> {
    return this.jobsRpc('GetJobLogs', { jobId, offset, maxBytes }, 'GetJobLogs');
  }

  /** Stops a job (its actors are killed; a submitted job's driver too). @returns its state after. */
  async stopJob(jobId: string): Promise<string> {
    return (await this.jobsRpc('StopJob', { jobId }, 'StopJob')).state;
  }

  /**
   * Ends the job (its non-detached actors are killed) — as failed, with `outcome.failed` as its
   * cause, when given — and closes every channel. Idempotent.
   */
  async close(outcome: { failed?: string } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.beat) clearInterval(this.beat);
    if (this.jobId)
      await this.rpc(
        'FinishJob',
        {
          jobId: this.jobId,
          failed: outcome.failed !== undefined,
          message: (outcome.failed ?? '').slice(0, 4000),
        },
        'FinishJob',
      ).catch(() => undefined);
    for (const c of this.actorClients.values()) c.close();
    this.stub.close();
    this.jobsStub.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private rpc<K extends Extract<keyof ClusterStub, string>>(
    method: K,
    req: RequestOf<ClusterStub[K]>,
    name: string,
    timeoutMs = this.rpcTimeoutMs,
    signal?: CallOptions['signal'],
  ): Promise<ReplyOf<ClusterStub[K]>> {
    return callUnary(this.stub, method, req, `${name} at ${this.opts.head}`, { timeoutMs, signal });
  }

  private jobsRpc<K extends Extract<keyof JobsStub, string>>(
    method: K,
    req: RequestOf<JobsStub[K]>,
    name: string,
  ): Promise<ReplyOf<JobsStub[K]>> {
    return callUnary(this.jobsStub, method, req, `${name} at ${this.opts.head}`, {
      timeoutMs: this.rpcTimeoutMs,
    });
  }
}
