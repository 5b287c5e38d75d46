import { Option, type Command } from 'commander';
import { InvalidArgumentError, parseRequest, ResourcesSchema } from '../core/index.js';
import { WorkerAgent } from '../worker/index.js';
import {
  intOption,
  numberOption,
  tlsOf,
  tokenOf,
  withClusterFlags,
  type ClusterFlags,
} from './cluster-flags.js';

interface WorkerFlags extends ClusterFlags {
  head: string;
  host: string;
  port: number;
  gpus: 'auto' | number;
  cpus?: number;
  resources?: Record<string, number>;
  labels?: Record<string, string>;
  heartbeatMs?: number;
  headGraceMs?: number;
  shmDir: string;
}

const parseGpus = (v: string): 'auto' | number => (v === 'auto' ? 'auto' : intOption('--gpus')(v));

const parseLabels = (v: string, prev: Record<string, string> = {}): Record<string, string> => {
  const out = { ...prev };
  for (const kv of v.split(',')) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`--labels: '${kv}' is not key=value`);
    out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
  }
  return out;
};

const parseResources = (v: string): Record<string, number> => {
  let doc: unknown;
  try {
    doc = JSON.parse(v);
  } catch (err) {
    throw new InvalidArgumentError(`--resources: not JSON: ${(err as Error).message}`);
  }
  return parseRequest(ResourcesSchema, doc, '--resources');
};

/** `twist worker --head HOST:PORT`: joins the cluster and hosts actors until stopped. */
export function addWorkerCommand(program: Command): void {
  withClusterFlags(
    program
      .command('worker')
      .description('attach this machine to a head and host actors')
      .addOption(new Option('--head <host:port>', "the head's address").makeOptionMandatory())
      .option('--host <host>', 'address this worker and its actors listen on and advertise', '127.0.0.1')
      .option('--port <n>', 'port of the node service (0: any)', intOption('--port'), 0)
      .option(
        '--gpus <n|auto>',
        'GPUs to offer: auto-detected with nvidia-smi, or a count (declared when not detected)',
        parseGpus,
        'auto',
      )
      .option('--cpus <n>', 'CPUs to offer (default: all cores)', numberOption('--cpus'))
      .option('--resources <json>', 'extra named resources, e.g. {"ssd": 1}', parseResources)
      .option('--labels <k=v,...>', 'labels actors can select nodes by', parseLabels)
      .option('--heartbeat-ms <n>', 'heartbeat period', intOption('--heartbeat-ms', 10))
      .option(
        '--head-grace-ms <n>',
        'kill every actor when the head is gone this long',
        intOption('--head-grace-ms', 100),
      )
      .option(
        '--shm-dir <dir>',
        "tmpfs directory where actors on this host hand batches to each other ('' : over gRPC only)",
        '/dev/shm',
      ),
  ).action(async (f: WorkerFlags) => {
    const agent = await WorkerAgent.start({
      head: f.head,
      host: f.host,
      port: f.port,
      token: tokenOf(f),
      tls: tlsOf(f),
      gpus: f.gpus,
      ...(f.cpus !== undefined ? { cpus: f.cpus } : {}),
      ...(f.resources ? { resources: f.resources } : {}),
      ...(f.labels ? { labels: f.labels } : {}),
      ...(f.heartbeatMs ? { heartbeatMs: f.heartbeatMs } : {}),
      ...(f.headGraceMs ? { headGraceMs: f.headGraceMs } : {}),
      shmDir: f.shmDir,
    });
    const onSignal = (): void => void agent.close('worker stopped by a signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const nodeId = await agent.registeredOnce(60_000).catch(() => '');
    process.stdout.write(
      `${JSON.stringify({ event: 'worker_started', nodeId, address: agent.address, resources: agent.resources, gpus: agent.gpus })}\n`,
    );
    await agent.done;
  });
}
