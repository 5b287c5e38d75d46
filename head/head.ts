import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  bindServer,
  HttpEndpoint,
  ProcessMetrics,
  writeFileAtomic,
  createLogger,
  generateToken,
  guardFor,
  parseConfig,
  healthHandlers,
  readToken,
  serverCredentials,
  serverOptions,
  shutdownServer,
  writeTokenFile,
  type Logger,
} from '../core/index.js';
import { loadProto, type ClusterProto, type HealthProto, type JobsProto } from '../proto/index.js';
import { ClusterManager } from './cluster-manager.js';
import { HeadConfigSchema, type HeadConfig, type HeadConfigInput } from './head-config.js';
import { clusterHandlers } from './head-service.js';
import { JobSupervisor } from './job-supervisor.js';
import { jobsHandlers } from './jobs-service.js';
import { headMetrics } from './head-metrics.js';
import { scrapeTargets } from './service-discovery.js';
import { addDashboardRoutes } from './dashboard-routes.js';
import { headHistory, type MetricsHistory } from './metrics-history.js';
import { NodeConnections } from './node-connections.js';
import { StateStore } from './state-store.js';

/**
 * The head: the cluster's state (SQLite under `stateDir`), scheduler and health checks behind the
 * Cluster gRPC service. `Head.start` reloads what a previous head left in the same state
 * directory, so workers that reconnect are re-adopted.
 */
export class Head {
  private closing: Promise<void> | undefined;
  private readonly stopped: Promise<void>;
  private resolveStopped!: () => void;

  private constructor(
    readonly config: HeadConfig,
    readonly token: string,
    readonly tokenFile: string,
    readonly manager: ClusterManager,
    private readonly server: grpc.Server,
    private readonly store: StateStore,
    private readonly conns: NodeConnections,
    private readonly log: Logger,
    /** `host:port` the head serves on. */
    readonly address: string,
    private readonly http: HttpEndpoint,
    readonly metrics: ProcessMetrics,
    private readonly history: MetricsHistory,
    /** Requests refused for a missing or wrong token. */
    readonly unauthenticatedTotal: () => number,
    private readonly supervisor: JobSupervisor,
  ) {
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.sdTimer = setInterval(() => void this.writeFileSd(), 5000);
    this.sdTimer.unref();
    void this.writeFileSd();
  }

  private readonly sdTimer: NodeJS.Timeout;
  private lastSd = '';

  /** `host:port` of the dashboard, /metrics and /sd/targets. */
  get dashboardAddress(): string {
    return this.http.address;
  }

  /** Where the file_sd targets go. */
  get fileSdPath(): string {
    return this.config.fileSdPath ?? path.join(this.config.stateDir, 'prometheus', 'targets.json');
  }

  /** Writes the Prometheus file_sd JSON when it changed (temporary file + rename). */
  private async writeFileSd(): Promise<void> {
    if (this.closing) return;
    const text = `${JSON.stringify(scrapeTargets(this.http.address, this.manager.snapshot()), null, 1)}\n`;
    if (text === this.lastSd) return;
    try {
      mkdirSync(path.dirname(this.fileSdPath), { recursive: true });
      await writeFileAtomic(this.fileSdPath, text);
      this.lastSd = text;
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, file: this.fileSdPath },
        'cannot write the file_sd targets',
      );
    }
  }

  /**
   * Starts a head. The token is read from the token file when it exists (a restarted head keeps
   * its cluster's token), else generated and written there with mode 0600.
   * @throws InvalidArgumentError for a bad config; IoError when the state dir or port is unusable.
   */
  static async start(input: HeadConfigInput = {}, log?: Logger): Promise<Head> {
    const cfg = parseConfig(HeadConfigSchema, input, 'head config');
    const logger = log ?? createLogger({ component: 'head' });
    const store = new StateStore(cfg.stateDir);
    const tokenFile = cfg.tokenFile ?? path.join(cfg.stateDir, 'token');
    let token: string;
    if (existsSync(tokenFile)) token = readToken(tokenFile);
    else {
      token = generateToken();
      await writeTokenFile(tokenFile, token);
    }
    const conns = new NodeConnections({ token, tls: cfg.tls });
    const metrics = new ProcessMetrics({ role: 'head', node: 'head' });
    const ref: { head?: Head; manager?: ClusterManager } = {};
    const observed = headMetrics(metrics, () => ref.manager);
    const manager = new ClusterManager(cfg, store, conns, logger, observed.events);
    ref.manager = manager;
    const history = headHistory(() => manager.snapshot(), observed.totals.rpcs);
    const server = new grpc.Server(serverOptions(cfg.maxMessageBytes));
    // `ref.head` is set before any handler runs (they are only called after bind).
    const guard = guardFor(token, {
      onUnauthenticated: (method, peer) => {
        observed.guard.onUnauthenticated(method, peer);
        logger.warn({ method, peer }, 'request refused: bad cluster token');
      },
      onHandled: observed.guard.onHandled,
      onInternalError: (method, err) => logger.error({ method, err }, 'internal error'),
    });
    server.addService(
      loadProto<ClusterProto>('cluster').twist.v1.Cluster.service,
      clusterHandlers({
        manager,
        guard,
        jobHeartbeatTimeoutMs: cfg.jobHeartbeatTimeoutMs,
        unauthenticatedTotal: observed.totals.unauthenticated,
        requestShutdown: () => void ref.head?.stop('stopped by twist stop'),
        recordRunMetrics: (jobId, t, values) => {
          for (const [k, v] of Object.entries(values)) if (Number.isFinite(v)) history.push(k, t, v);
          manager.recordJobProgress(jobId, values);
        },
      }),
    );
    let boundAddress = '';
    const supervisor = new JobSupervisor(
      manager,
      {
        ...(cfg.driverCommand ? { driverCommand: cfg.driverCommand } : {}),
        headAddress: () => boundAddress,
        token,
        jobsDir: path.join(cfg.stateDir, 'jobs'),
        maxDriverStarts: cfg.maxDriverStarts,
      },
      logger.child({ component: 'job-supervisor' }),
    );
    server.addService(
      loadProto<JobsProto>('jobs').twist.v1.Jobs.service,
      jobsHandlers(manager, supervisor, guard),
    );
    server.addService(
      loadProto<HealthProto>('health').grpc.health.v1.Health.service,
      healthHandlers(guard, () => !ref.head?.closing),
    );
    const http = new HttpEndpoint(metrics, cfg.dashboardHost, token);
    addDashboardRoutes(http, manager, history, observed.totals.unauthenticated, cfg.prometheusUrl);
    http.route('/sd/targets', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(scrapeTargets(http.address, manager.snapshot())));
    });
    let port: number;
    try {
      manager.load();
      port = await bindServer(server, cfg.host, cfg.port, serverCredentials(cfg.tls));
      await http.start(cfg.dashboardPort);
      history.start();
      boundAddress = `${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}`;
      supervisor.resume();
    } catch (err) {
      supervisor.close();
      manager.close();
      server.forceShutdown();
      await http.close();
      history.stop();
      store.close();
      throw err;
    }
    const address = `${cfg.host === '0.0.0.0' ? os.hostname() : cfg.host}:${port}`;
    const head = new Head(
      cfg,
      token,
      tokenFile,
      manager,
      server,
      store,
      conns,
      logger,
      address,
      http,
      metrics,
      history,
      observed.totals.unauthenticated,
      supervisor,
    );
    ref.head = head;
    logger.info(
      { address, dashboard: http.address, state_dir: cfg.stateDir, instance: manager.instance },
      'head started',
    );
    return head;
  }

  /** Resolves once the head has stopped (by `stop`, `close` or a Shutdown RPC). */
  get done(): Promise<void> {
    return this.stopped;
  }

  /** Stops the whole cluster (workers shut down, tables say so), then closes. Idempotent. */
  stop(reason = 'cluster stopped'): Promise<void> {
    if (this.closing) return this.closing;
    this.log.info({ reason }, 'stopping the cluster');
    this.supervisor.stopAll(reason);
    return this.finish(this.manager.shutdownCluster(reason).catch(() => undefined));
  }

  /** Stops serving and closes the state file; workers and actors keep running. Idempotent. */
  close(): Promise<void> {
    return this.closing ?? this.finish(Promise.resolve());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private finish(before: Promise<unknown>): Promise<void> {
    this.closing = (async () => {
      await before;
      clearInterval(this.sdTimer);
      this.supervisor.close();
      this.history.stop();
      this.manager.close();
      await this.http.close();
      await shutdownServer(this.server, 1000);
      this.conns.close();
      this.store.close();
      this.log.info('head stopped');
      this.resolveStopped();
    })();
    return this.closing;
  }
}
