import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  callUnary,
  GetTimeoutError,
  InfeasibleError,
  InvalidArgumentError,
  NotFoundError,
  fits,
  subtract,
  add,
  type Logger,
  type Resources,
} from '../core/index.js';
import type { HeadConfig } from './head-config.js';
import { HealthChecker } from './health-checker.js';
import type { NodeConnections } from './node-connections.js';
import {
  ActorState,
  type ActorRecord,
  type GpuRecord,
  type JobRecord,
  type JobState,
  type JobSubmission,
  type NodeRecord,
  type PlacementGroupRecord,
  type PlacementStrategy,
  type SchedulingStrategy,
} from './records.js';
import {
  actorInfeasibility,
  groupInfeasibility,
  pickNode,
  placeBundles,
  type NodeView,
} from './scheduler.js';
import type { StateStore } from './state-store.js';

const newId = (prefix: string): string => `${prefix}-${randomBytes(8).toString('hex')}`;

/** An actor is placed (holds resources on its node) while it starts or runs. */
const isPlaced = (a: ActorRecord): boolean => a.nodeId !== '' && a.state !== ActorState.DEAD;
/** An actor waits for resources while it has no node. */
const isWaiting = (a: ActorRecord): boolean =>
  a.nodeId === '' && (a.state === ActorState.PENDING || a.state === ActorState.RESTARTING);

/** What a worker says about itself when it registers. */
export interface NodeRegistration {
  nodeId: string;
  address: string;
  hostname: string;
  resources: Resources;
  labels: Record<string, string>;
  gpus: GpuRecord[];
  actors: { actorId: string; pid: number; address: string; metricsAddress: string }[];
  metricsAddress: string;
}

/** What a driver asks for when it creates an actor. */
export interface ActorSpec {
  jobId: string;
  className: string;
  args: Buffer;
  resources: Resources;
  strategy: SchedulingStrategy;
  maxRestarts: number;
  placementGroupId: string;
  bundleIndex: number;
  labelSelector: Record<string, string>;
  name: string;
  detached: boolean;
}

/** What the manager tells its observers (metrics). */
export interface ManagerEvents {
  /** An actor was placed on a node after waiting `seconds` for resources. */
  onPlaced(seconds: number): void;
  onActorAlive(a: ActorRecord): void;
  /** An actor failed: restarting or dead for good. */
  onActorFailed(restarting: boolean): void;
  /** `detectionS`: from its last heartbeat to being declared dead (when it ever sent one). */
  onNodeDead(detectionS?: number): void;
  onHealthCheck(seconds: number, ok: boolean): void;
}

/** A node as status shows it. */
export interface NodeStatus extends NodeRecord {
  available: Resources;
  lastSeenMs: number;
}

/** A request waiting for resources. */
export interface PendingDemand {
  kind: 'actor' | 'placement_group';
  id: string;
  bundles: Resources[];
  strategy: string;
  sinceMs: number;
}

export interface ClusterSnapshot {
  nodes: NodeStatus[];
  actors: ActorRecord[];
  placementGroups: PlacementGroupRecord[];
  pending: PendingDemand[];
  jobs: (JobRecord & { progress: Record<string, number> })[];
}

/**
 * The head's cluster state and the logic over it: node, actor, job and placement-group tables
 * (written through to the {@link StateStore}), the scheduler loop, health checks, restarts. All
 * methods run on the head's one thread; RPC handlers validate requests before calling in, so
 * nothing here trusts a caller less than the schemas did.
 */
export class ClusterManager {
  readonly instance = newId('head');
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly actors = new Map<string, ActorRecord>();
  private readonly jobs = new Map<string, JobRecord>();
  private readonly groups = new Map<string, PlacementGroupRecord>();
  private readonly lastSeen = new Map<string, number>();
  private readonly jobBeat = new Map<string, number>();
  private readonly jobProgress = new Map<string, Record<string, number>>();
  private readonly changes = new EventEmitter();
  private readonly health: HealthChecker;
  private readonly sweeper: NodeJS.Timeout;
  private scheduleQueued = false;
  /** Actor starts this head has in flight (`id:incarnation`). */
  private readonly starting = new Set<string>();
  /** Nodes that failed to answer a start: nothing is scheduled on them until a probe succeeds. */
  private readonly suspects = new Set<string>();
  private closed = false;

  constructor(
    private readonly cfg: HeadConfig,
    private readonly store: StateStore,
    private readonly conns: NodeConnections,
    private readonly log: Logger,
    private readonly events: Partial<ManagerEvents> = {},
  ) {
    this.changes.setMaxListeners(0);
    this.health = new HealthChecker(
      cfg.health,
      async (id, timeoutMs) => {
        const n = this.nodes.get(id);
        if (!n) return;
        const t0 = performance.now();
        try {
          await this.conns.check(id, n.address, timeoutMs);
          this.events.onHealthCheck?.((performance.now() - t0) / 1000, true);
          if (this.suspects.delete(id)) this.schedule();
        } catch (err) {
          this.events.onHealthCheck?.((performance.now() - t0) / 1000, false);
          throw err;
        }
      },
      (id, reason) => this.markNodeDead(id, reason),
    );
    this.sweeper = setInterval(() => this.sweepJobs(), Math.min(1000, cfg.jobHeartbeatTimeoutMs / 4));
    this.sweeper.unref();
  }

  /** Reloads the tables a previous head left; alive nodes are health-checked again. */
  load(): void {
    const s = this.store.load();
    for (const n of s.nodes) this.nodes.set(n.id, n);
    for (const a of s.actors) this.actors.set(a.id, a);
    for (const j of s.jobs) this.jobs.set(j.id, j);
    for (const g of s.placementGroups) this.groups.set(g.id, g);
    const now = Date.now();
    for (const j of this.jobs.values()) if (j.state === 'RUNNING') this.jobBeat.set(j.id, now);
    for (const n of this.nodes.values())
      if (n.state === 'ALIVE') {
        this.lastSeen.set(n.id, now);
        // Workers re-register within a heartbeat; give them a few periods before probing.
        this.health.watch(n.id, Math.max(this.cfg.health.initialDelayMs, 2 * this.cfg.health.periodMs));
      }
    this.log.info(
      {
        nodes: s.nodes.length,
        actors: s.actors.length,
        jobs: s.jobs.length,
        placement_groups: s.placementGroups.length,
      },
      'state reloaded',
    );
    this.schedule();
  }

  // ---- nodes ----

  /** A worker (re-)registers. @returns its id and the actors it must stop (unknown or dead here). */
  registerNode(r: NodeRegistration): { nodeId: string; stopActorIds: string[] } {
    const now = Date.now();
    const nodeId = r.nodeId || newId('node');
    const prev = this.nodes.get(nodeId);
    for (const n of this.nodes.values())
      if (n.id !== nodeId && n.state === 'ALIVE' && n.address === r.address)
        this.markNodeDead(n.id, `a worker registered again at ${r.address} as ${nodeId}`);
    const node: NodeRecord = {
      id: nodeId,
      address: r.address,
      hostname: r.hostname,
      state: 'ALIVE',
      total: r.resources,
      labels: r.labels,
      gpus: r.gpus,
      deathCause: '',
      registeredMs: prev?.registeredMs ?? now,
      metricsAddress: r.metricsAddress,
    };
    const wasAlive = prev?.state === 'ALIVE';
    this.nodes.set(nodeId, node);
    this.store.saveNode(node);
    this.lastSeen.set(nodeId, now);
    const stop: string[] = [];
    const reported = new Map(r.actors.map((a) => [a.actorId, a]));
    for (const rep of r.actors) {
      const a = this.actors.get(rep.actorId);
      if (!wasAlive || !a || a.nodeId !== nodeId || !isPlaced(a)) stop.push(rep.actorId);
      else if (a.state !== ActorState.ALIVE || a.pid !== rep.pid || a.address !== rep.address) {
        Object.assign(a, {
          state: ActorState.ALIVE,
          pid: rep.pid,
          address: rep.address,
          metricsAddress: rep.metricsAddress,
          pendingSinceMs: 0,
        });
        this.saveActor(a);
      }
    }
    if (wasAlive)
      for (const a of this.actors.values())
        if (a.nodeId === nodeId && isPlaced(a) && !reported.has(a.id)) {
          if (a.state === ActorState.ALIVE)
            this.failActor(a, `its process was not running on node ${nodeId} when the node re-registered`);
          // Being started by a previous head (its StartActor call died with it): start it again.
          // One this head is starting is simply not ready yet.
          else if (!this.starting.has(`${a.id}:${a.incarnation}`)) this.unplace(a);
        }
    this.health.watch(nodeId);
    this.log.info(
      { node_id: nodeId, address: r.address, total: r.resources, rejoined: Boolean(prev) },
      'node registered',
    );
    this.schedule();
    return { nodeId, stopActorIds: stop };
  }

  /** A worker's heartbeat. @returns whether the node is known alive here (else it re-registers). */
  heartbeat(nodeId: string): boolean {
    const n = this.nodes.get(nodeId);
    if (!n || n.state !== 'ALIVE') return false;
    this.lastSeen.set(nodeId, Date.now());
    return true;
  }

  /** Marks a node dead: its actors fail (and restart elsewhere when they may), its bundles move. */
  markNodeDead(nodeId: string, reason: string): void {
    const n = this.nodes.get(nodeId);
    if (!n || n.state === 'DEAD') return;
    this.health.unwatch(nodeId);
    this.suspects.delete(nodeId);
    n.state = 'DEAD';
    n.deathCause = reason;
    this.store.saveNode(n);
    this.conns.drop(nodeId);
    this.log.warn({ node_id: nodeId, address: n.address, reason }, 'node dead');
    const seen = this.lastSeen.get(nodeId);
    this.events.onNodeDead?.(seen ? (Date.now() - seen) / 1000 : undefined);
    const cause = `node ${nodeId} (${n.address}) died: ${reason}`;
    for (const g of this.groups.values())
      if (g.state !== 'REMOVED' && g.bundleNodes.includes(nodeId)) {
        g.bundleNodes = g.bundleNodes.map((b) => (b === nodeId ? '' : b));
        g.state = 'PENDING';
        g.pendingSinceMs = Date.now();
        this.saveGroup(g);
      }
    for (const a of this.actors.values()) if (a.nodeId === nodeId && isPlaced(a)) this.failActor(a, cause);
    this.schedule();
  }

  // ---- actors ----

  /**
   * Registers an actor and schedules it. @throws InfeasibleError when no node can ever fit it,
   * NotFoundError for an unknown job or placement group, AlreadyExistsError for a taken name,
   * InvalidArgumentError for a bundle index out of range.
   */
  createActor(spec: ActorSpec): string {
    if (spec.jobId) this.runningJob(spec.jobId);
    if (spec.name)
      for (const a of this.actors.values())
        if (a.name === spec.name && a.state !== ActorState.DEAD)
          throw new AlreadyExistsError(`an actor named '${spec.name}' is alive (${a.id})`);
    if (spec.placementGroupId) {
      const g = this.groups.get(spec.placementGroupId);
      if (!g || g.state === 'REMOVED')
        throw new NotFoundError(`placement group ${spec.placementGroupId} does not exist or was removed`);
      if (spec.bundleIndex >= g.bundles.length)
        throw new InvalidArgumentError(
          `bundle_index: ${spec.bundleIndex} is out of range, the group has ${g.bundles.length} bundles`,
        );
      const candidates = spec.bundleIndex >= 0 ? [g.bundles[spec.bundleIndex]!] : g.bundles;
      if (!candidates.some((b) => fits(spec.resources, b)))
        throw new InfeasibleError(
          `the actor asks for more than ${spec.bundleIndex >= 0 ? `bundle ${spec.bundleIndex}` : 'any bundle'} of ${g.id} reserves`,
        );
    } else {
      const why = actorInfeasibility(spec.resources, spec.labelSelector, this.aliveViews());
      if (why) throw new InfeasibleError(`actor ${spec.className}: ${why}`);
    }
    const now = Date.now();
    const a: ActorRecord = {
      id: newId('actor'),
      ...spec,
      restarts: 0,
      state: ActorState.PENDING,
      nodeId: '',
      pid: 0,
      address: '',
      gpuIds: [],
      deathCause: '',
      incarnation: 0,
      createdMs: now,
      pendingSinceMs: now,
    };
    this.actors.set(a.id, a);
    this.saveActor(a);
    this.log.info({ actor_id: a.id, class: a.className, resources: a.resources }, 'actor created');
    this.schedule();
    return a.id;
  }

  /**
   * An actor's record; with `waitMs`, waits until it is ALIVE past `afterIncarnation` or DEAD.
   * @throws NotFoundError; GetTimeoutError when the wait runs out.
   */
  async getActor(id: string, waitMs = 0, afterIncarnation = -1, signal?: AbortSignal): Promise<ActorRecord> {
    const ready = (a: ActorRecord): boolean =>
      a.state === ActorState.DEAD || (a.state === ActorState.ALIVE && a.incarnation > afterIncarnation);
    const a = this.actor(id);
    if (waitMs <= 0 || ready(a)) return a;
    await this.waitFor(
      `actor:${id}`,
      () => ready(this.actor(id)),
      waitMs,
      signal,
      () => new GetTimeoutError(`actor ${id} is still ${this.actor(id).state} after ${waitMs} ms`),
    );
    return this.actor(id);
  }

  /** Kills an actor: for good, or (allowRestart) letting it restart when it has restarts left. */
  killActor(id: string, allowRestart: boolean): void {
    const a = this.actor(id);
    if (a.state === ActorState.DEAD) return;
    const { nodeId, incarnation } = a;
    this.failActor(a, 'killed by request', !allowRestart);
    if (nodeId) this.stopOnNode(nodeId, id, incarnation, 'killed by request');
  }

  /** A worker reports an actor's process ended. Reports for another node or incarnation are stale. */
  actorExited(nodeId: string, actorId: string, incarnation: number, cause: string): void {
    const a = this.actors.get(actorId);
    if (!a || a.nodeId !== nodeId || a.incarnation !== incarnation || !isPlaced(a)) return;
    this.failActor(a, cause);
  }

  // ---- jobs ----

  /**
   * Registers a driver's job, or attaches the driver the head started for a submitted job to it.
   * @throws NotFoundError for an unknown job to attach to; InvalidArgumentError when it was not
   * submitted or has ended.
   */
  registerJob(name: string, attachTo = '', submission?: JobSubmission): JobRecord {
    if (attachTo) {
      const j = this.runningJob(attachTo);
      if (!j.submission)
        throw new InvalidArgumentError(`attach_job_id: job ${attachTo} was not submitted to the head`);
      this.jobBeat.set(j.id, Date.now());
      return j;
    }
    const j: JobRecord = {
      id: newId('job'),
      name,
      state: 'RUNNING',
      startMs: Date.now(),
      endMs: 0,
      ...(submission ? { submission } : {}),
    };
    this.jobs.set(j.id, j);
    this.jobBeat.set(j.id, Date.now());
    this.store.saveJob(j);
    return j;
  }

  /** A job's record. @throws NotFoundError for an unknown job. */
  job(id: string): JobRecord & { progress: Record<string, number> } {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`job ${id} does not exist`);
    return { ...j, progress: this.jobProgress.get(id) ?? {} };
  }

  /** Every job the head knows. */
  jobList(): readonly JobRecord[] {
    return [...this.jobs.values()];
  }

  /** Records a change of a submitted job's driver (pid, starts). */
  updateSubmission(id: string, patch: Partial<JobSubmission>): void {
    const j = this.jobs.get(id);
    if (!j?.submission) return;
    j.submission = { ...j.submission, ...patch };
    this.store.saveJob(j);
  }

  /** The latest run figures a job's driver reported (kept in memory: the driver reports again). */
  recordJobProgress(id: string, values: Record<string, number>): void {
    if (!id) return;
    const prev = this.jobProgress.get(id) ?? {};
    this.jobProgress.set(id, { ...prev, ...values });
  }

  jobHeartbeat(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j || j.state !== 'RUNNING') return false;
    this.jobBeat.set(id, Date.now());
    return true;
  }

  /**
   * Ends a job: its actors (unless detached) are killed, its placement groups removed; `why` is
   * kept as its message unless it finished.
   * @throws NotFoundError for an unknown job.
   */
  finishJob(id: string, state: Exclude<JobState, 'RUNNING'> = 'FINISHED', why = 'its job finished'): void {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`job ${id} does not exist`);
    if (j.state !== 'RUNNING') return;
    j.state = state;
    j.endMs = Date.now();
    if (state !== 'FINISHED') j.message = why;
    this.jobBeat.delete(id);
    this.store.saveJob(j);
    this.releaseJob(id, why);
    this.log.info({ job_id: id, state }, 'job ended');
  }

  /**
   * Kills a job's actors (unless detached) and removes its placement groups; the job goes on (a
   * restarted driver starts them again).
   */
  releaseJob(id: string, why: string): void {
    for (const a of this.actors.values())
      if (a.jobId === id && !a.detached && a.state !== ActorState.DEAD) this.killActor(a.id, false);
    for (const g of this.groups.values())
      if (g.jobId === id && g.state !== 'REMOVED') this.removeGroup(g.id, why);
  }

  // ---- placement groups ----

  /** Creates a group; it reserves all bundles at once when they fit. @throws InfeasibleError, NotFoundError. */
  createGroup(jobId: string, bundles: Resources[], strategy: PlacementStrategy, name: string): string {
    if (jobId) this.runningJob(jobId);
    const why = groupInfeasibility(bundles, strategy, this.aliveViews());
    if (why) throw new InfeasibleError(`placement group ${strategy}: ${why}`);
    const now = Date.now();
    const g: PlacementGroupRecord = {
      id: newId('pg'),
      jobId,
      name,
      strategy,
      bundles,
      state: 'PENDING',
      bundleNodes: bundles.map(() => ''),
      createdMs: now,
      pendingSinceMs: now,
    };
    this.groups.set(g.id, g);
    this.saveGroup(g);
    this.schedule();
    return g.id;
  }

  /** A group; with `waitMs`, waits until it is CREATED or REMOVED. @throws NotFoundError, GetTimeoutError. */
  async getGroup(id: string, waitMs = 0, signal?: AbortSignal): Promise<PlacementGroupRecord> {
    const ready = (): boolean => this.group(id).state !== 'PENDING';
    if (waitMs > 0 && !ready())
      await this.waitFor(
        `pg:${id}`,
        ready,
        waitMs,
        signal,
        () =>
          new GetTimeoutError(
            `placement group ${id} is still PENDING after ${waitMs} ms (not enough resources)`,
          ),
      );
    return this.group(id);
  }

  /** Removes a group: its reservations are freed and its actors killed. */
  removeGroup(id: string, why = 'its placement group was removed'): void {
    const g = this.group(id);
    if (g.state === 'REMOVED') return;
    g.state = 'REMOVED';
    this.saveGroup(g);
    for (const a of this.actors.values())
      if (a.placementGroupId === id && a.state !== ActorState.DEAD) {
        const { nodeId, incarnation } = a;
        this.failActor(a, why, true);
        if (nodeId) this.stopOnNode(nodeId, a.id, incarnation, why);
      }
    this.schedule();
  }

  // ---- status and shutdown ----

  snapshot(): ClusterSnapshot {
    const { nodeUsed } = this.usage();
    const nodes = [...this.nodes.values()].map((n) => ({
      ...n,
      available: n.state === 'ALIVE' ? subtract(n.total, nodeUsed.get(n.id) ?? {}) : {},
      lastSeenMs: this.lastSeen.get(n.id) ?? 0,
    }));
    const pending: PendingDemand[] = [];
    for (const g of this.groups.values())
      if (g.state === 'PENDING')
        pending.push({
          kind: 'placement_group',
          id: g.id,
          bundles: g.bundles.filter((_, i) => !g.bundleNodes[i]),
          strategy: g.strategy,
          sinceMs: g.pendingSinceMs,
        });
    for (const a of this.actors.values())
      if (isWaiting(a))
        pending.push({
          kind: 'actor',
          id: a.id,
          bundles: [a.resources],
          strategy: a.strategy,
          sinceMs: a.pendingSinceMs,
        });
    return {
      nodes,
      actors: [...this.actors.values()],
      placementGroups: [...this.groups.values()],
      pending,
      jobs: [...this.jobs.values()].map((j) => ({ ...j, progress: this.jobProgress.get(j.id) ?? {} })),
    };
  }

  /** Stops the cluster: workers are told to shut down (their actors end), the tables say so. */
  async shutdownCluster(reason: string): Promise<void> {
    const alive = [...this.nodes.values()].filter((n) => n.state === 'ALIVE');
    await Promise.allSettled(
      alive.map((n) => {
        const { node } = this.conns.get(n.id, n.address);
        return callUnary(node, 'ShutdownNode', { reason }, `shutdown of ${n.address}`, {
          timeoutMs: 5000,
        });
      }),
    );
    this.store.transaction(() => {
      for (const a of this.actors.values()) if (a.state !== ActorState.DEAD) this.failActor(a, reason, true);
      for (const j of this.jobs.values())
        if (j.state === 'RUNNING') {
          j.state = 'STOPPED';
          j.endMs = Date.now();
          j.message = reason;
          this.store.saveJob(j);
        }
      for (const n of alive) {
        this.health.unwatch(n.id);
        n.state = 'DEAD';
        n.deathCause = reason;
        this.store.saveNode(n);
      }
    });
  }

  /** Stops timers and waiters; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.health.close();
    clearInterval(this.sweeper);
    this.changes.emit('closed');
  }

  // ---- internals ----

  private actor(id: string): ActorRecord {
    const a = this.actors.get(id);
    if (!a) throw new NotFoundError(`actor ${id} does not exist`);
    return a;
  }

  private group(id: string): PlacementGroupRecord {
    const g = this.groups.get(id);
    if (!g) throw new NotFoundError(`placement group ${id} does not exist`);
    return g;
  }

  private runningJob(id: string): JobRecord {
    const j = this.jobs.get(id);
    if (!j) throw new NotFoundError(`job ${id} does not exist`);
    if (j.state !== 'RUNNING') throw new InvalidArgumentError(`job_id: job ${id} is ${j.state}`);
    return j;
  }

  private saveActor(a: ActorRecord): void {
    this.store.saveActor(a);
    this.changes.emit(`actor:${a.id}`);
  }

  private saveGroup(g: PlacementGroupRecord): void {
    this.store.savePlacementGroup(g);
    this.changes.emit(`pg:${g.id}`);
  }

  private waitFor(
    event: string,
    ready: () => boolean,
    waitMs: number,
    signal: AbortSignal | undefined,
    timeoutError: () => Error,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.changes.off(event, check);
        this.changes.off('closed', onClosed);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (ready()) done();
      };
      const onClosed = (): void => done(new GetTimeoutError('the head is shutting down'));
      const onAbort = (): void => done(new GetTimeoutError('the caller went away'));
      const timer = setTimeout(() => done(timeoutError()), waitMs);
      this.changes.on(event, check);
      this.changes.once('closed', onClosed);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * An actor's process or node failed: it restarts (RESTARTING, rescheduled, constructor re-run)
   * when it has restarts left and `final` is not set, else it is DEAD with the cause.
   */
  private failActor(a: ActorRecord, cause: string, final = false): void {
    if (a.state === ActorState.DEAD) return;
    if (!final && a.restarts < a.maxRestarts) {
      Object.assign(a, {
        state: ActorState.RESTARTING,
        restarts: a.restarts + 1,
        incarnation: a.incarnation + 1,
        nodeId: '',
        pid: 0,
        address: '',
        gpuIds: [],
        deathCause: cause,
        pendingSinceMs: Date.now(),
      });
      this.log.warn({ actor_id: a.id, cause, restarts: a.restarts }, 'actor restarting');
      this.events.onActorFailed?.(true);
    } else {
      Object.assign(a, { state: ActorState.DEAD, deathCause: cause, pendingSinceMs: 0 });
      this.log.warn({ actor_id: a.id, cause }, 'actor dead');
      this.events.onActorFailed?.(false);
    }
    this.saveActor(a);
    this.schedule();
  }

  /** Takes an actor off its node without counting a failure (its start never completed). */
  private unplace(a: ActorRecord): void {
    Object.assign(a, { nodeId: '', pid: 0, address: '', gpuIds: [], pendingSinceMs: Date.now() });
    this.saveActor(a);
    this.schedule();
  }

  private aliveViews(): NodeView[] {
    return this.views(this.usage());
  }

  private usage(): {
    nodeUsed: Map<string, Resources>;
    gpuUsed: Map<string, Set<number>>;
    bundleUsed: Map<string, Resources[]>;
    actorCount: Map<string, number>;
  } {
    const nodeUsed = new Map<string, Resources>();
    const gpuUsed = new Map<string, Set<number>>();
    const bundleUsed = new Map<string, Resources[]>();
    const actorCount = new Map<string, number>();
    for (const g of this.groups.values()) {
      if (g.state === 'REMOVED') continue;
      bundleUsed.set(
        g.id,
        g.bundles.map(() => ({})),
      );
      g.bundleNodes.forEach((id, i) => {
        if (id) nodeUsed.set(id, add(nodeUsed.get(id) ?? {}, g.bundles[i]!));
      });
    }
    for (const a of this.actors.values()) {
      if (!isPlaced(a)) continue;
      const bu = a.placementGroupId ? bundleUsed.get(a.placementGroupId) : undefined;
      if (bu && a.bundleIndex >= 0 && bu[a.bundleIndex])
        bu[a.bundleIndex] = add(bu[a.bundleIndex]!, a.resources);
      else if (!a.placementGroupId) nodeUsed.set(a.nodeId, add(nodeUsed.get(a.nodeId) ?? {}, a.resources));
      const gs = gpuUsed.get(a.nodeId) ?? new Set<number>();
      for (const g of a.gpuIds) gs.add(g);
      gpuUsed.set(a.nodeId, gs);
      actorCount.set(a.nodeId, (actorCount.get(a.nodeId) ?? 0) + 1);
    }
    return { nodeUsed, gpuUsed, bundleUsed, actorCount };
  }

  /** Views of the alive nodes (for scheduling, `schedulable`: not those under suspicion). */
  private views(u: ReturnType<ClusterManager['usage']>, schedulable = false): NodeView[] {
    const out: NodeView[] = [];
    for (const n of this.nodes.values())
      if (n.state === 'ALIVE' && !(schedulable && this.suspects.has(n.id)))
        out.push({
          id: n.id,
          total: n.total,
          available: subtract(n.total, u.nodeUsed.get(n.id) ?? {}),
          labels: n.labels,
          actorCount: u.actorCount.get(n.id) ?? 0,
        });
    return out;
  }

  /** Runs the scheduler once soon (many changes in one tick schedule once). */
  schedule(): void {
    if (this.scheduleQueued || this.closed) return;
    this.scheduleQueued = true;
    setImmediate(() => {
      this.scheduleQueued = false;
      if (!this.closed) this.schedulePass();
    });
  }

  private schedulePass(): void {
    const u = this.usage();
    const views = this.views(u, true);
    const byId = new Map(views.map((v) => [v.id, v]));
    // Placement groups first (their actors wait for them), in creation order.
    for (const g of [...this.groups.values()].sort((x, y) => x.createdMs - y.createdMs)) {
      if (g.state !== 'PENDING') continue;
      const fixed = g.bundleNodes.map((id) => (id && this.nodes.get(id)?.state === 'ALIVE' ? id : ''));
      const placed = placeBundles(g.bundles, g.strategy, views, fixed);
      if (!placed) continue;
      g.bundleNodes = placed;
      g.state = 'CREATED';
      g.pendingSinceMs = 0;
      this.saveGroup(g);
      placed.forEach((id, i) => {
        if (fixed[i]) return;
        const v = byId.get(id)!;
        v.available = subtract(v.available, g.bundles[i]!);
      });
      this.log.info({ placement_group_id: g.id, nodes: placed }, 'placement group created');
    }
    for (const a of [...this.actors.values()].sort((x, y) => x.createdMs - y.createdMs)) {
      if (!isWaiting(a)) continue;
      let nodeId: string | undefined;
      if (a.placementGroupId) {
        const g = this.groups.get(a.placementGroupId);
        if (!g || g.state !== 'CREATED') continue;
        const used = u.bundleUsed.get(g.id)!;
        const idxs = a.bundleIndex >= 0 ? [a.bundleIndex] : g.bundles.map((_, i) => i);
        const i = idxs.find((k) => fits(a.resources, subtract(g.bundles[k]!, used[k] ?? {})));
        if (i === undefined) continue;
        used[i] = add(used[i] ?? {}, a.resources);
        a.bundleIndex = i;
        nodeId = g.bundleNodes[i]!;
      } else {
        const v = pickNode(a.resources, a.strategy, a.labelSelector, views);
        if (!v) continue;
        v.available = subtract(v.available, a.resources);
        v.actorCount++;
        nodeId = v.id;
      }
      const node = this.nodes.get(nodeId)!;
      const gpus = a.resources['GPU'] ?? 0;
      const inUse = u.gpuUsed.get(nodeId) ?? new Set<number>();
      const free = node.gpus.map((g) => g.index).filter((i) => !inUse.has(i));
      a.gpuIds = free.slice(0, gpus);
      for (const g of a.gpuIds) inUse.add(g);
      u.gpuUsed.set(nodeId, inUse);
      a.nodeId = nodeId;
      if (a.pendingSinceMs) this.events.onPlaced?.((Date.now() - a.pendingSinceMs) / 1000);
      a.pendingSinceMs = 0;
      this.saveActor(a);
      void this.startOnNode(a, node);
    }
  }

  private async startOnNode(a: ActorRecord, node: NodeRecord): Promise<void> {
    const { id, incarnation } = a;
    const current = (): ActorRecord | undefined => {
      const x = this.actors.get(id);
      return x && x.incarnation === incarnation && x.nodeId === node.id && isPlaced(x) ? x : undefined;
    };
    this.log.info({ actor_id: id, node_id: node.id, incarnation, gpu_ids: a.gpuIds }, 'starting actor');
    const key = `${id}:${incarnation}`;
    this.starting.add(key);
    try {
      const { node: client } = this.conns.get(node.id, node.address);
      const rep = await callUnary(
        client,
        'StartActor',
        {
          actorId: id,
          className: a.className,
          args: a.args,
          gpuIds: a.gpuIds,
          resources: a.resources,
          incarnation,
        },
        `starting actor ${id} on ${node.address}`,
        { timeoutMs: this.cfg.actorStartTimeoutMs },
      );
      const x = current();
      if (!x) {
        this.stopOnNode(node.id, id, incarnation, 'no longer wanted');
        return;
      }
      Object.assign(x, {
        state: ActorState.ALIVE,
        pid: rep.pid,
        address: rep.address,
        processStartMs: rep.processStartMs,
        constructorMs: rep.constructorMs,
        metricsAddress: rep.metricsAddress,
      });
      this.events.onActorAlive?.(x);
      this.saveActor(x);
      this.log.info({ actor_id: id, node_id: node.id, pid: rep.pid, address: rep.address }, 'actor alive');
    } catch (err) {
      const x = current();
      if (!x) return;
      const msg = err instanceof Error ? err.message : String(err);
      // The node's death (if that is what this is) is for the health checker to decide; a worker
      // that answered with an error could not construct the actor: that is final.
      const answered = !(err instanceof GetTimeoutError) && (err as { code?: string }).code !== 'UNAVAILABLE';
      if (!answered && this.nodes.get(node.id)?.state === 'ALIVE') {
        // Nothing more goes there until a probe says it lives; quick probes decide.
        this.suspects.add(node.id);
        this.health.suspect(node.id);
      }
      this.failActor(x, `could not start on node ${node.id}: ${msg}`, answered);
      this.stopOnNode(node.id, id, incarnation, 'start failed');
    } finally {
      this.starting.delete(key);
    }
  }

  private stopOnNode(nodeId: string, actorId: string, incarnation: number, reason: string): void {
    const n = this.nodes.get(nodeId);
    if (!n || n.state !== 'ALIVE') return;
    const { node } = this.conns.get(n.id, n.address);
    callUnary(node, 'StopActor', { actorId, reason, incarnation }, `stopping ${actorId}`, {
      timeoutMs: 5000,
    }).catch((err: unknown) =>
      this.log.debug({ actor_id: actorId, err: (err as Error).message }, 'stop failed'),
    );
  }

  private sweepJobs(): void {
    const now = Date.now();
    for (const [id, t] of this.jobBeat)
      if (now - t > this.cfg.jobHeartbeatTimeoutMs)
        this.finishJob(id, 'FAILED', `its job sent no heartbeat for ${this.cfg.jobHeartbeatTimeoutMs} ms`);
  }
}
