import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterClient } from '../client/index.js';
import { createLogger } from '../core/index.js';
import { Head, type HeadConfigInput } from '../head/index.js';
import { WorkerAgent } from '../worker/index.js';

/** An in-process head with `workers` in-process worker agents (actors are real processes). */
export interface BenchCluster {
  head: Head;
  workers: WorkerAgent[];
  client: ClusterClient;
  dir: string;
  close(): Promise<void>;
}

/**
 * Starts the cluster with the head's defaults (health checks every 1 s, as a user's cluster runs)
 * unless `health` says otherwise: `recovery` checks faster, `scaling` measures the defaults (each
 * check is an RPC pair in this process, CPU that two trainers on two cores pay for). The workers
 * give actors scratch directories in `shmDir` (the workers' default, `/dev/shm`, when undefined;
 * '' for none: loaders then send batches over gRPC).
 */
export async function startBenchCluster(
  workers: number,
  cpusEach: number,
  opts: { health?: HeadConfigInput['health']; shmDir?: string } = {},
): Promise<BenchCluster> {
  const { health, shmDir } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-bench-run-'));
  const log = createLogger({ component: 'bench' });
  log.level = 'warn';
  const head = await Head.start(
    {
      port: 0,
      dashboardPort: 0,
      stateDir: path.join(dir, 'head'),
      ...(health ? { health } : {}),
    },
    log,
  );
  const ws = await Promise.all(
    Array.from({ length: workers }, () =>
      WorkerAgent.start(
        {
          head: head.address,
          token: head.token,
          gpus: 0,
          cpus: cpusEach,
          ...(shmDir !== undefined ? { shmDir } : {}),
        },
        log,
      ),
    ),
  );
  await Promise.all(ws.map((w) => w.registeredOnce()));
  const client = await ClusterClient.connect({ head: head.address, token: head.token, jobName: 'bench' });
  return {
    head,
    workers: ws,
    client,
    dir,
    close: async () => {
      await client.close();
      await Promise.all(ws.map((w) => w.close()));
      await head.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
