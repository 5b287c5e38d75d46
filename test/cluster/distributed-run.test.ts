import test from 'ava';
import { loadModelFromCheckpoint, resolveCheckpoint } from '../../checkpoint/index.js';
import {
  ClusterClient,
  RunFailedError,
  runDistributed,
  type DistributedRunOptions,
} from '../../client/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { selectBackend } from '../../twist/index.js';
import { TestCluster } from '../helpers/cluster-processes.js';
import path from 'node:path';

/** A tiny model and batch so a run takes seconds: 12 steps of a 32-image global batch. */
const config = {
  dataPath: FASHION_MNIST_DIR,
  batchSize: 32,
  epochs: 1,
  width: 4,
  hidDim: 16,
  dim: 10,
  seed: 3,
};
const base = (runDir: string): DistributedRunOptions => ({
  config,
  trainers: 2,
  runDir,
  checkpointEvery: 4,
  maxSteps: 12,
  backend: 'wasm',
  threads: 1,
  evaluate: false,
});

const cluster = new TestCluster();
let client: ClusterClient;

test.before(async () => {
  await cluster.startHead();
  await cluster.startWorker(['--cpus', '1']);
  await cluster.startWorker(['--cpus', '1']);
  await cluster.startWorker(['--cpus', '1']);
  client = await ClusterClient.connect({ head: cluster.address, token: cluster.token, jobName: 'run-test' });
});

test.after.always(async () => {
  await client?.close();
  await cluster.close();
});

const optimizerSteps = async (dir: string): Promise<number> => {
  const r = await resolveCheckpoint(dir);
  const t = r.state.find((x) => x.name === 'optimizer.steps')!;
  return Number(t.data[0]);
};

test.serial(
  'two trainers on two nodes finish the run; its checkpoints commit and load; the evaluator measures it',
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-ok');
    const steps: number[] = [];
    const r = await runDistributed(client, {
      ...base(runDir),
      evaluate: true,
      evalTrainImages: 1000,
      evalTestImages: 200,
      onStep: (s) => steps.push(s.step),
    });
    t.is(r.steps, 12);
    t.deepEqual(
      steps,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    t.deepEqual(r.failures, []);
    t.is(path.basename(r.checkpoint), 'step-12');
    await selectBackend({ name: 'cpu' });
    const loaded = await loadModelFromCheckpoint(runDir);
    t.is(loaded.checkpoint.manifest.step, 12);
    t.is(loaded.checkpoint.manifest.shards.length, 2); // one shard per trainer
    loaded.model.dispose();
    t.is(await optimizerSteps(runDir), 12);
    for (const k of ['knn', 'nmi', 'ami', 'ari', 'acc']) t.is(typeof r.evaluation?.[k], 'number', k);
    t.true((r.evaluation!['knn'] as number) > 0.1);
    // The trainers ran on different nodes (one bundle each, SPREAD).
    const s = await client.status();
    const trainers = s.actors.filter((a) => a.className === 'trainer' && a.name.endsWith('-g1'));
    t.is(new Set(trainers.map((a) => a.nodeId)).size, 2);
  },
);

test.serial(
  'a trainer killed with SIGKILL mid-run: the run resumes from the last checkpoint, finishes, and counts the failure',
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-kill');
    const events: string[] = [];
    const r = await runDistributed(client, {
      ...base(runDir),
      onEvent: (e) => {
        events.push(e.kind);
        if (e.kind === 'checkpoint' && e.step === 4)
          void (async () => {
            // Kill trainer rank 1 while the second stretch trains.
            await new Promise((res) => setTimeout(res, 300));
            const st = await client.status();
            const victim = st.actors.find(
              (a) => a.className === 'trainer' && a.name === 'trainer-1-g1' && a.state === 'ALIVE',
            );
            if (victim) process.kill(victim.pid, 'SIGKILL');
          })();
      },
    });
    t.is(r.failures.length, 1, JSON.stringify(r.failures));
    t.regex(r.failures[0]!.cause, /died|lost|COLLECTIVE|peer|closed|unavailable/i);
    t.true(events.includes('failure'));
    t.is(events.filter((e) => e === 'group-ready').length, 2);
    t.is(path.basename(r.checkpoint), 'step-12');
    // No step applied twice: the optimizer counted exactly 12 steps in the final state.
    t.is(await optimizerSteps(runDir), 12);
  },
);

test.serial(
  'a loader killed mid-run: the run resumes and finishes (batches are a function of the step)',
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-loader');
    const r = await runDistributed(client, {
      ...base(runDir),
      onEvent: (e) => {
        if (e.kind === 'checkpoint' && e.step === 4)
          void (async () => {
            await new Promise((res) => setTimeout(res, 200));
            const st = await client.status();
            const victim = st.actors.find(
              (a) => a.className === 'loader' && a.name === 'loader-0-g1' && a.state === 'ALIVE',
            );
            if (victim) process.kill(victim.pid, 'SIGKILL');
          })();
      },
    });
    t.is(r.failures.length, 1);
    t.is(await optimizerSteps(runDir), 12);
  },
);

test.serial('more failures than --max-failures: the run fails with every cause listed', async (t) => {
  const runDir = path.join(cluster.dir, 'run-fail');
  const err = await t.throwsAsync(
    runDistributed(client, {
      ...base(runDir),
      maxFailures: 0,
      onEvent: (e) => {
        if (e.kind === 'group-ready')
          void (async () => {
            const st = await client.status();
            const victim = st.actors.find(
              (a) => a.className === 'trainer' && a.name === 'trainer-0-g1' && a.state === 'ALIVE',
            );
            if (victim) process.kill(victim.pid, 'SIGKILL');
          })();
      },
    }),
  );
  t.true(err instanceof RunFailedError);
  t.is((err as RunFailedError).causes.length, 1);
  t.regex(err!.message, /failed 1 times \(more than --max-failures 0\): 1\. at step/);
});
