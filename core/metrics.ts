import http from 'node:http';
import { isIP } from 'node:net';
import client from 'prom-client';
import { IoError } from './errors.js';
import { tokenDigest, tokenMatches } from './rpc-auth.js';

export { client as promClient };

/**
 * How often a process samples its event loop's delay, in ms (prom-client's `eventloop_lag`
 * histogram and the head's lag chart). Each sample wakes the process, so a process that is
 * otherwise idle (a loader between batches, a worker, the head) wakes 1000 / this many times a
 * second and, on a host whose cores the trainers keep busy, preempts a trainer each time: at
 * prom-client's default of 10 ms that was ~100 wakeups and ~6 ms of CPU a second per process. A
 * stall of this length or longer is always seen; a shorter one is seen in proportion to its length.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * One process's metrics: its own prom-client registry with the default process metrics (CPU,
 * memory, event-loop lag, GC) under the `twist_` prefix, and labels every series carries (`role`,
 * `node`...). Names follow Prometheus rules: `twist_` prefix, base units, `_total` counters.
 */
export class ProcessMetrics {
  readonly registry = new client.Registry();

  constructor(defaultLabels: Record<string, string>) {
    this.registry.setDefaultLabels(defaultLabels);
    client.collectDefaultMetrics({
      register: this.registry,
      prefix: 'twist_',
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): client.Counter<L> {
    return new client.Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (g: client.Gauge<L>) => void,
  ): client.Gauge<L> {
    return new client.Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect
        ? {
            collect(this: client.Gauge<L>) {
              collect(this);
            },
          }
        : {}),
    });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): client.Histogram<L> {
    return new client.Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void | Promise<void>;

/**
 * A small HTTP server for `/metrics` (and other routes: the head adds the dashboard and service
 * discovery). Bound to a loopback address it serves anyone on the machine; bound elsewhere it
 * requires the cluster token (`Authorization: Bearer <token>`), answering 401 without it.
 */
export class HttpEndpoint {
  private server: http.Server | undefined;
  private port = 0;
  private readonly routes = new Map<string, Route>();
  private readonly digest: Buffer | undefined;

  constructor(
    private readonly metrics: ProcessMetrics,
    private readonly host: string,
    token?: string,
  ) {
    this.digest = token && !isLoopback(host) ? tokenDigest(token) : undefined;
    this.routes.set('/metrics', async (_req, res) => {
      const body = await this.metrics.text();
      res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
      res.end(body);
    });
  }

  /** Adds a route (exact path, or a prefix ending in `/`). */
  route(path: string, r: Route): this {
    this.routes.set(path, r);
    return this;
  }

  /** `host:port` once started. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Listens (port 0: any). @throws IoError naming the address when it cannot. Idempotent. */
  async start(port = 0): Promise<string> {
    if (this.server) return this.address;
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new IoError(`cannot listen on ${this.host}:${port}: ${err.message}`, { cause: err })),
      );
      server.listen(port, this.host, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this.address;
  }

  /** Stops listening; idempotent. */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (this.digest) {
        const cookie = /(?:^|;\s*)twist_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const fromQuery = url.searchParams.get('token');
        const given = req.headers.authorization ?? fromQuery ?? (cookie ? decodeURIComponent(cookie) : '');
        if (!tokenMatches(given, this.digest)) {
          res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
          res.end(
            'the cluster token is required (Authorization: Bearer <token>, or ?token= once in a browser)\n',
          );
          return;
        }
        // A browser that came with ?token= keeps it in a cookie for the page's own requests.
        if (fromQuery)
          res.setHeader(
            'set-cookie',
            `twist_token=${encodeURIComponent(fromQuery)}; HttpOnly; SameSite=Strict; Path=/`,
          );
      }
      const route =
        this.routes.get(url.pathname) ??
        [...this.routes].find(([p]) => p.endsWith('/') && url.pathname.startsWith(p))?.[1];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`no such page: ${url.pathname}\n`);
        return;
      }
      await route(req, res, url);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    }
  }
}
