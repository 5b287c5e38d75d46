import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Where the head keeps its state and token by default: `$TWIST_HOME`, else `~/.twist`. */
export const defaultStateDir = (): string => process.env['TWIST_HOME'] ?? path.join(os.homedir(), '.twist');

/** Default port of the head's cluster service. */
export const DEFAULT_HEAD_PORT = 6380;

/**
 * Health checks of workers (grpc.health.v1). Defaults: first check 1 s after registration, then
 * every 1 s with a 2 s deadline, dead after 3 failures in a row: a killed worker (refused
 * connection) is declared dead in about 3 s, a black-holed one in about 9 s.
 */
export const HealthCheckConfigSchema = z.object({
  initialDelayMs: z.number().int().min(0).default(1000),
  periodMs: z.number().int().min(10).default(1000),
  timeoutMs: z.number().int().min(10).default(2000),
  failureThreshold: z.number().int().min(1).default(3),
});
export type HealthCheckConfig = z.infer<typeof HealthCheckConfigSchema>;

/** The head process's configuration: parsed once at the edge (CLI), passed inward typed. */
export const HeadConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(DEFAULT_HEAD_PORT),
  stateDir: z.string().min(1).default(defaultStateDir),
  /** The token file; default `<stateDir>/token`, created when missing. */
  tokenFile: z.string().optional(),
  tls: z
    .object({ cert: z.string().optional(), key: z.string().optional(), ca: z.string().optional() })
    .default({}),
  health: HealthCheckConfigSchema.default(HealthCheckConfigSchema.parse({})),
  /** A job without a heartbeat this long fails and its actors are killed. */
  jobHeartbeatTimeoutMs: z.number().int().min(100).default(30_000),
  /** How long the head waits for a worker to start an actor (process start + constructor). */
  actorStartTimeoutMs: z.number().int().min(100).default(120_000),
  /** The dashboard, /metrics and /sd/targets (HTTP); 0: any free port. */
  dashboardPort: z.number().int().min(0).max(65535).default(8265),
  /** Bound to loopback by default; elsewhere the cluster token is required. */
  dashboardHost: z.string().min(1).default('127.0.0.1'),
  /** Read the dashboard's charts from this Prometheus (its HTTP API) instead of the head's history. */
  prometheusUrl: z.string().url().optional(),
  /** Where the Prometheus file_sd targets are written (default `<stateDir>/prometheus/targets.json`). */
  fileSdPath: z.string().optional(),
  /**
   * The command that runs `twist` for the drivers of submitted jobs (`twist head` sets its own);
   * none: job submissions are refused.
   */
  driverCommand: z.array(z.string().min(1)).min(1).optional(),
  /** Driver starts per submitted job before a crashing driver fails it. */
  maxDriverStarts: z.number().int().min(1).default(3),
  /** Largest request the head accepts (gRPC message cap). */
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .default(8 << 20),
});
export type HeadConfig = z.infer<typeof HeadConfigSchema>;
export type HeadConfigInput = z.input<typeof HeadConfigSchema>;
