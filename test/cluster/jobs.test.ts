import test from 'ava';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveCheckpoint } from '../../checkpoint/index.js';
import { ClusterClient } from '../../client/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { pidAlive, TestCluster, waitFor } from '../helpers/cluster-processes.js';
import { jsonLines, runCli } from '../helpers/run-cli.js';

/** A small run (8 or 12 steps of a 32-image global batch, checkpoints every 4 steps). */
const trainFlags = (runDir: string, steps: number): string[] => [
  '--data-path',
  FASHION_MNIST_DIR,
  '--run-dir',
  runDir,
  '--batch-size',
  '32',
  '--width',
  '4',
  '--hid-dim',
  '16',
  '--dim',
  '10',
  '--seed',
  '3',
  '--max-steps',
  String(steps),
  '--checkpoint-every',
  '4',
  '--trainers',
  '2',
  '--backend',
  'wasm',
  '--threads',
  '1',
  '--skip-eval',
];

const cluster = new TestCluster();
let client: ClusterClient;
let port = 0;

test.before(async () => {
  await cluster.startHead();
  port = Number(cluster.address.split(':').pop());
  await cluster.startWorker(['--cpus', '1', '--heartbeat-ms', '200']);
  await cluster.startWorker(['--cpus', '1', '--heartbeat-ms', '200']);
  client = await ClusterClient.connect({ head: cluster.address, token: cluster.token, job: false });
});

test.after.always(async () => {
  // Drivers are the head's children but outlive it: stop what is left.
  const s = await client.status().catch(() => undefined);
  for (const j of s?.jobs ?? []) if (j.state === 'RUNNING') await client.stopJob(j.id).catch(() => undefined);
  await client?.close();
  await cluster.close();
});

const cli = (args: string[]): ReturnType<typeof runCli> =>
  runCli([...args, '--head', cluster.address, '--token-file', cluster.tokenFile]);

const submit = async (runDir: string, steps: number): Promise<string> => {
  const r = await cli(['train', '--detach', ...trainFlags(runDir, steps)]);
  if (r.code !== 0) throw new Error(`twist train --head failed (${r.code}): ${r.stderr}`);
  return String(jsonLines(r.stdout)[0]!['job_id']);
};

const optimizerSteps = async (dir: string): Promise<number> => {
  const r = await resolveCheckpoint(dir);
  return Number(r.state.find((x) => x.name === 'optimizer.steps')!.data[0]);
};

test.serial(
  'twist train --head submits a job the head runs to the end; twist job status and logs show it',
  async (t) => {
    const runDir = path.join(cluster.dir, 'job-ok');
    const r = await cli(['train', ...trainFlags(runDir, 8)]);
    t.is(r.code, 0, r.stderr);
    const [submitted, final] = jsonLines(r.stdout);
    const id = String(submitted!['job_id']);
    t.regex(id, /^job-/);
    t.is(final!['state'], 'FINISHED');
    t.regex(r.stderr, /checkpoint committed/, 'the driver log was followed');
    const status = await cli(['job', 'status', id, '--json']);
    const s = JSON.parse(status.stdout) as {
      job: { state: string; submitted: boolean; progress: Record<string, number> };
      driverStarts: number;
    };
    t.is(s.job.state, 'FINISHED');
    t.true(s.job.submitted);
    t.is(s.job.progress['run_step'], 8);
    t.is(s.driverStarts, 1);
    const human = await cli(['job', 'status', id]);
    t.regex(human.stdout, /FINISHED/);
    t.regex(human.stdout, /step 8\/8/);
    const logs = await cli(['job', 'logs', id]);
    t.regex(logs.stdout, /trainers ready: 2/);
    t.is(await optimizerSteps(runDir), 8);
    const list = await cli(['job', 'list']);
    t.regex(list.stdout, new RegExp(`${id}\\s+FINISHED\\s+submitted`));
  },
);

test.serial('bad submissions are refused with the reason; an unknown job is NOT_FOUND', async (t) => {
  const r = await cli(['job', 'status', 'job-0123456789abcdef']);
  t.is(r.code, 2);
  t.regex(r.stderr, /job job-0123456789abcdef does not exist \[NOT_FOUND\]/);
  const noDir = await cli(['train', '--detach', '--max-steps', '2']);
  t.is(noDir.code, 2);
  t.regex(noDir.stderr, /--run-dir DIR .* is required/);
  const sneaky = await client.submitJob('x', ['--local', '--run-dir', '/tmp/x']).catch((e: Error) => e);
  t.true(sneaky instanceof Error);
  t.regex((sneaky as Error).message, /train_args: may not set --head, --job-id, --local/);
});

test.serial('twist job stop: the job is STOPPED, its driver and actors end', async (t) => {
  const id = await submit(path.join(cluster.dir, 'job-stop'), 400);
  await waitFor(
    async () => ((await client.jobStatus(id)).job!.progress['run_step'] ?? 0) >= 1 || undefined,
    120_000,
    'the job to train',
  );
  const pid = (await client.jobStatus(id)).driverPid;
  t.true(pidAlive(pid));
  const r = await cli(['job', 'stop', id]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /STOPPED/);
  await waitFor(() => !pidAlive(pid) || undefined, 15_000, 'the driver to exit');
  const s = await client.status();
  t.is(s.jobs.find((j) => j.id === id)!.state, 'STOPPED');
  await waitFor(
    async () =>
      (await client.status()).actors.every((a) => a.jobId !== id || a.state === 'DEAD') || undefined,
    15_000,
    "the job's actors to end",
  );
  t.pass();
});

// Last: it restarts the head.
test.serial(
  'head and driver SIGKILLed mid-run: the restarted head starts the driver again, which resumes from the last checkpoint',
  async (t) => {
    const runDir = path.join(cluster.dir, 'job-restart');
    const id = await submit(runDir, 12);
    await waitFor(
      () => existsSync(path.join(runDir, 'step-4')) || undefined,
      120_000,
      'the first checkpoint',
    );
    const { driverPid } = await client.jobStatus(id);
    cluster.kill(cluster.head!);
    process.kill(driverPid, 'SIGKILL');
    await cluster.head!.exited;
    await cluster.startHead(undefined, port);
    const done = await waitFor(
      async () => {
        const j = await client.jobStatus(id).catch(() => undefined);
        return j && j.job!.state !== 'RUNNING' ? j : undefined;
      },
      180_000,
      'the job to end',
    );
    t.is(done.job!.state, 'FINISHED', done.job!.message);
    t.is(done.driverStarts, 2);
    t.not(done.driverPid, driverPid);
    t.is(await optimizerSteps(runDir), 12);
    const logs = await cli(['job', 'logs', id]);
    t.regex(logs.stdout, /resumed at step (4|8)/);
  },
);
