import os from 'node:os';
import { z } from 'zod';
import { ResourcesSchema } from '../core/index.js';

/** The worker process's configuration: parsed once at the edge (CLI), passed inward typed. */
export const WorkerConfigSchema = z.object({
  /** The head's `host:port`. */
  head: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT'),
  /** Address the worker and its actors listen on and advertise. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  /** Port of the worker's HTTP /metrics (0: any). */
  metricsPort: z.number().int().min(0).max(65535).default(0),
  token: z.string().min(1),
  tls: z
    .object({ cert: z.string().optional(), key: z.string().optional(), ca: z.string().optional() })
    .default({}),
  /** `auto`: detected with nvidia-smi; N: that many (declared when not detected). */
  gpus: z.union([z.literal('auto'), z.number().int().min(0).max(1024)]).default('auto'),
  cpus: z
    .number()
    .positive()
    .max(65536)
    .default(() => os.cpus().length),
  /** Extra named resources (`{"accelerator_v5": 1}`). */
  resources: ResourcesSchema.default({}),
  labels: z.record(z.string(), z.string()).default({}),
  /** How often the worker tells the head it is alive. */
  heartbeatMs: z.number().int().min(10).default(1000),
  /** The head gone this long: every actor here is killed (the worker keeps trying to rejoin). */
  headGraceMs: z.number().int().min(100).default(30_000),
  /** An actor asked to stop gets this long before SIGKILL. */
  stopGraceMs: z.number().int().min(0).default(5000),
  /**
   * A tmpfs directory in which each actor gets a scratch directory (removed when it exits): actors
   * on this host hand large results to each other there instead of over gRPC (a loader's batches
   * to its trainer). Default `/dev/shm`; '' turns it off; a directory that is missing or not
   * writable turns it off with a warning.
   */
  shmDir: z.string().default('/dev/shm'),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
export type WorkerConfigInput = z.input<typeof WorkerConfigSchema>;
