import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import {
  bindServer,
  callUnary,
  clientArgs,
  createLogger,
  guardFor,
  healthHandlers,
  HttpEndpoint,
  ProcessMetrics,
  InvalidArgumentError,
  parseConfig,
  parseRequest,
  serverCredentials,
  serverOptions,
  shutdownServer,
  unary,
  type Logger,
  type Resources,
} from '../core/index.js';
import {
  loadProto,
  type ClusterClient,
  type ClusterProto,
  type HealthProto,
  type NodeHandlers,
  type NodeProto,
} from '../proto/index.js';
import { ActorSupervisor, type ActorExit } from './actor-supervisor.js';
import { ScratchDirs } from './scratch-dirs.js';
import { resolveGpus, type GpuDevice } from './gpu-detect.js';
import { WorkerConfigSchema, type WorkerConfig, type WorkerConfigInput } from './worker-config.js';
import { workerMetrics } from './worker-metrics.js';

const ActorId = z.string().regex(/^actor-[0-9a-f]{16}$/, 'not an actor id');
const StartActorSchema = z.object({
  actorId: ActorId,
  className: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'not an actor class name'),
  args: z.instanceof(Buffer).refine((b) => b.length <= 4 << 20, 'larger than 4 MiB'),
  gpuIds: z.array(z.number().int().min(0)).max(1024),
  incarnation: z.number().int().min(0),
});
const StopActorSchema = z.object({
  actorId: ActorId,
  reason: z.string().max(4096),
  incarnation: z.number().int().min(0),
});

/**
 * The worker agent: registers this machine with the head (resources, GPUs, labels), serves the
 * Node service the head starts and stops actors through (and grpc.health.v1 for its health
 * checks), hosts each actor in its own process, reports their exits, and re-registers when the head
 * restarts. When the head stays unreachable past `headGraceMs` it kills its actors.
 */
export class WorkerAgent {
  private nodeIdValue = '';
  private headInstance = '';
  private registered = false;
  private lastContact = Date.now();
  private orphaned = false;
  private closing: Promise<void> | undefined;
  private readonly supervisor: ActorSupervisor;
  private readonly head: ClusterClient;
  private readonly counters: ReturnType<typeof workerMetrics>;
  private resolveDone!: () => void;
  /** Resolves once the agent has shut down (ShutdownNode from the head, or close). */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  private constructor(
    readonly config: WorkerConfig,
    readonly resources: Resources,
    readonly gpus: GpuDevice[],
    private readonly server: grpc.Server,
    /** `host:port` of the Node service. */
    readonly address: string,
    private readonly log: Logger,
    private readonly http: HttpEndpoint,
    readonly metrics: ProcessMetrics,
  ) {
    this.counters = workerMetrics(metrics, gpus, () => ({
      actors: this.supervisor.list().length,
      headReachable: this.registered,
    }));
    const [creds, options] = clientArgs({ token: config.token, tls: config.tls });
    this.head = new (loadProto<ClusterProto>('cluster').twist.v1.Cluster)(config.head, creds, options);
    this.supervisor = new ActorSupervisor(
      {
        nodeId: () => this.nodeIdValue,
        host: config.host,
        head: config.head,
        token: config.token,
        tls: config.tls,
        stopGraceMs: config.stopGraceMs,
        scratch: ScratchDirs.open(config.shmDir, log),
      },
      (e) => {
        this.counters.exits.inc({ how: e.reason === 'stopped' ? 'stopped' : e.signal ? 'killed' : 'exited' });
        this.reportExit(e);
      },
      log,
    );
  }

  /**
   * Starts serving and joins the cluster (registration retries until the head answers or the
   * agent closes; `start` returns once serving, `registeredOnce` once joined).
   * @throws InvalidArgumentError for a bad config; IoError when the port cannot be bound.
   */
  static async start(input: WorkerConfigInput, log?: Logger): Promise<WorkerAgent> {
    const cfg = parseConfig(WorkerConfigSchema, input, 'worker config');
    const logger = log ?? createLogger({ component: 'worker' });
    const gpus = await resolveGpus(cfg.gpus);
    const resources: Resources = {
      CPU: cfg.cpus,
      memory: os.totalmem(),
      ...(gpus.length ? { GPU: gpus.length } : {}),
      ...cfg.resources,
    };
    const server = new grpc.Server(serverOptions(8 << 20));
    const ref: { agent?: WorkerAgent } = {};
    const guard = guardFor(cfg.token, {
      onUnauthenticated: (method, peer) =>
        logger.warn({ method, peer }, 'request refused: bad cluster token'),
    });
    server.addService(loadProto<NodeProto>('node').twist.v1.Node.service, {
      StartActor: unary(guard, 'StartActor', (req, call) => ref.agent!.startActor(req, call)),
      StopActor: unary(guard, 'StopActor', async (req) => {
        const r = parseRequest(StopActorSchema, req, 'StopActor');
        await ref.agent!.supervisorStop(r.actorId, r.reason || 'stopped by the head', r.incarnation);
        return {};
      }),
      ShutdownNode: unary(guard, 'ShutdownNode', (req) => {
        setImmediate(() => void ref.agent?.close(req.reason || 'shut down by the head'));
        return {};
      }),
    } satisfies NodeHandlers);
    server.addService(
      loadProto<HealthProto>('health').grpc.health.v1.Health.service,
      healthHandlers(guard, () => !ref.agent?.closing),
    );
    const port = await bindServer(server, cfg.host, cfg.port, serverCredentials(cfg.tls));
    const metrics = new ProcessMetrics({ role: 'worker' });
    const http = new HttpEndpoint(metrics, cfg.host, cfg.token);
    try {
      await http.start(cfg.metricsPort);
    } catch (err) {
      server.forceShutdown();
      throw err;
    }
    const agent = new WorkerAgent(cfg, resources, gpus, server, `${cfg.host}:${port}`, logger, http, metrics);
    ref.agent = agent;
    void agent.loop();
    return agent;
  }

  /** The id the head gave this node ('' until registered). */
  get nodeId(): string {
    return this.nodeIdValue;
  }

  /** Resolves once registered with the head (or rejects after `timeoutMs`). */
  async registeredOnce(timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (!this.registered) {
      if (Date.now() > end || this.closing)
        throw new InvalidArgumentError(
          `worker did not join the head at ${this.config.head} within ${timeoutMs} ms`,
        );
      await sleep(20);
    }
    return this.nodeIdValue;
  }

  /** Stops every actor, leaves the cluster, stops serving. Idempotent. */
  close(reason = 'worker stopping'): Promise<void> {
    this.closing ??= (async () => {
      this.log.info({ reason }, 'worker stopping');
      await this.supervisor.stopAll(reason);
      await shutdownServer(this.server, 1000);
      await this.http.close();
      this.head.close();
      this.resolveDone();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async startActor(
    req: unknown,
    call: grpc.ServerUnaryCall<unknown, unknown>,
  ): Promise<{
    pid: number;
    address: string;
    processStartMs: number;
    constructorMs: number;
    metricsAddress: string;
  }> {
    const r = parseRequest(StartActorSchema, req, 'StartActor');
    const mine = new Set(this.gpus.map((g) => g.index));
    const bad = r.gpuIds.find((g) => !mine.has(g));
    if (bad !== undefined) throw new InvalidArgumentError(`gpu_ids: this node has no GPU ${bad}`);
    const ac = new AbortController();
    call.on('cancelled', () => ac.abort());
    let a;
    try {
      a = await this.supervisor.start(r, ac.signal);
    } catch (err) {
      this.counters.starts.inc({ outcome: 'failed' });
      throw err;
    }
    this.counters.starts.inc({ outcome: 'ok' });
    return {
      pid: a.pid,
      address: a.address,
      processStartMs: a.processStartMs,
      constructorMs: a.constructorMs,
      metricsAddress: a.metricsAddress,
    };
  }

  private supervisorStop(actorId: string, reason: string, incarnation: number): Promise<void> {
    return this.supervisor.stop(actorId, reason, incarnation);
  }

  private reportExit(e: ActorExit): void {
    if (this.closing || !this.registered) return;
    callUnary(this.head, 'ReportActorExit', { nodeId: this.nodeIdValue, ...e }, 'reporting an actor exit', {
      timeoutMs: 5000,
    }).catch((err: unknown) =>
      this.log.warn({ err: (err as Error).message, actor_id: e.actorId }, 'exit report lost'),
    );
  }

  private async register(): Promise<void> {
    const rep = await callUnary(
      this.head,
      'RegisterNode',
      {
        nodeId: this.nodeIdValue,
        address: this.address,
        hostname: os.hostname().slice(0, 128),
        resources: this.resources,
        labels: this.config.labels,
        gpus: this.gpus,
        actors: this.supervisor.list().map((a) => ({
          actorId: a.actorId,
          pid: a.pid,
          address: a.address,
          metricsAddress: a.metricsAddress,
        })),
        metricsAddress: this.http.address,
      },
      `registering with the head at ${this.config.head}`,
      { timeoutMs: 5000 },
    );
    this.nodeIdValue = rep.nodeId;
    this.metrics.registry.setDefaultLabels({ role: 'worker', node: rep.nodeId });
    this.headInstance = rep.headInstance;
    this.registered = true;
    this.lastContact = Date.now();
    this.orphaned = false;
    for (const id of rep.stopActorIds) void this.supervisor.stop(id, 'unknown to the head');
    this.log.info({ node_id: rep.nodeId, head: this.config.head, resources: this.resources }, 'registered');
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (!this.closing) {
      try {
        if (!this.registered) {
          await this.register();
          backoff = 100;
        } else {
          const rep = await callUnary(this.head, 'Heartbeat', { nodeId: this.nodeIdValue }, 'heartbeat', {
            timeoutMs: Math.max(2000, 2 * this.config.heartbeatMs),
          });
          this.lastContact = Date.now();
          if (!rep.known || rep.headInstance !== this.headInstance) {
            this.log.info(
              { head_instance: rep.headInstance },
              'the head restarted or forgot this node: registering again',
            );
            this.registered = false;
            continue;
          }
        }
      } catch (err) {
        if (this.closing) break;
        this.registered = false;
        const gone = Date.now() - this.lastContact;
        this.log.debug({ err: (err as Error).message, gone_ms: gone }, 'head unreachable');
        if (gone > this.config.headGraceMs && !this.orphaned) {
          this.orphaned = true;
          this.log.error({ gone_ms: gone }, 'head unreachable past the grace period: killing every actor');
          this.supervisor.killAll();
        }
        await sleep(backoff);
        backoff = Math.min(2000, backoff * 2);
        continue;
      }
      await sleep(this.config.heartbeatMs);
    }
  }
}
