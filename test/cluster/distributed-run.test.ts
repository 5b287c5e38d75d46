import test from 'ava';
import {
  beginCheckpoint,
  loadModelFromCheckpoint,
  resolveCheckpoint,
  writeRunMarker,
} from '../../checkpoint/index.js';
import {
  ClusterClient,
  RunFailedError,
  runDistributed,
  type DistributedRunOptions,
} from '../../client/index.js';
import { epochOrder, FASHION_MNIST_DIR } from '../../data/index.js';
import { selectBackend } from '../../twist/index.js';
import { TestCluster } from '../helpers/cluster-processes.js';
import { writeImageFolder } from '../helpers/image-folder.js';
import { writeMnistDir } from '../helpers/mnist-files.js';
import path from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';

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
/** The loss curve of the two-trainer run of the first test. */
const twoTrainerLosses: number[] = [];

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
    const evaluated: number[] = [];
    const inStepS: number[] = [];
    const wallS: number[] = [];
    const r = await runDistributed(client, {
      ...base(runDir),
      evaluate: true,
      evalEvery: 8,
      loadersPerTrainer: 2,
      evalTrainImages: 1000,
      evalTestImages: 200,
      onEvent: (e) => {
        if (e.kind === 'evaluated') evaluated.push(e.step);
      },
      onStep: (s) => {
        steps.push(s.step);
        twoTrainerLosses.push(s.loss);
        inStepS.push(s.computeS + s.allreduceS + s.dataWaitS);
        wallS.push(s.wallS);
      },
    });
    t.is(r.steps, 12);
    // Each step's share of its stretch's wall time holds everything the trainer timed inside it.
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    t.true(
      wallS.every((w) => w > 0),
      `wall seconds ${wallS.join(', ')}`,
    );
    t.true(sum(inStepS) <= sum(wallS) + 1e-3, `in-step ${sum(inStepS)} s, wall ${sum(wallS)} s`);
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
    t.deepEqual(evaluated, [8, 12], 'the step-8 checkpoint evaluated while training went on, then the last');
    t.true((r.evaluation!['knn'] as number) > 0.1);
    // The trainers ran on different nodes (one bundle each, SPREAD).
    const s = await client.status();
    const trainers = s.actors.filter((a) => a.className === 'trainer' && a.name.endsWith('-g1'));
    t.is(new Set(trainers.map((a) => a.nodeId)).size, 2);
    // Two loaders per trainer, on its node.
    const loaders = s.actors.filter((a) => a.className === 'loader' && a.name.endsWith('-g1'));
    t.deepEqual(loaders.map((a) => a.name).sort(), [
      'loader-0-g1',
      'loader-0.1-g1',
      'loader-1-g1',
      'loader-1.1-g1',
    ]);
    // The run directory holds the run's config.
    const saved = JSON.parse(readFileSync(path.join(runDir, 'run-config.json'), 'utf8')) as {
      trainers: number;
    };
    t.is(saved.trainers, 2);
  },
);

test.serial(
  "its loss curve is one trainer's on the same global batch (SyncBatchNorm, global diversity term, same samples and views)",
  async (t) => {
    const losses: number[] = [];
    await runDistributed(client, {
      ...base(path.join(cluster.dir, 'run-one')),
      trainers: 1,
      onStep: (s) => losses.push(s.loss),
    });
    t.is(losses.length, twoTrainerLosses.length);
    const worst = Math.max(...losses.map((l, i) => Math.abs(l - twoTrainerLosses[i]!) / Math.abs(l)));
    t.log(`one trainer: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    t.log(`two trainers: ${twoTrainerLosses.map((l) => l.toFixed(4)).join(' ')}`);
    t.log(`largest relative difference: ${worst.toExponential(2)}`);
    t.true(worst < 1e-3, `loss curves differ by ${worst} (relative)`);
    t.true(losses[0]! !== losses[losses.length - 1]!, 'the loss moved');
  },
);

test.serial(
  "balanced shares: each step's batch split by the trainers' speeds, every sample used once, and the loss curve the equal split's",
  async (t) => {
    const losses: number[] = [];
    const shares: number[][] = [];
    const seen: number[] = [];
    await runDistributed(client, {
      ...base(path.join(cluster.dir, 'run-balanced')),
      balanceShares: true,
      onStep: (s) => {
        losses.push(s.loss);
        shares.push(s.shares);
      },
      onSamples: (_step, _epoch, samples) => seen.push(...samples),
    });
    // 16 images a trainer in steps of 1 (the quantum), at least 8 each: timing noise moves them.
    t.true(
      shares.every((s) => s.length === 2 && s[0]! + s[1]! === 32 && Math.min(...s) >= 8),
      JSON.stringify(shares),
    );
    t.log(`rank 0's shares: ${shares.map((s) => s[0]).join(' ')}`);
    t.is(seen.length, 12 * 32);
    t.is(new Set(seen).size, seen.length, 'no sample twice');
    const worst = Math.max(...losses.map((l, i) => Math.abs(l - twoTrainerLosses[i]!) / Math.abs(l)));
    t.log(`largest relative difference from the equal split's curve: ${worst.toExponential(2)}`);
    t.true(worst < 1e-3, `loss curves differ by ${worst} (relative)`);
  },
);

test.serial(
  "multi-crop views and a momentum encoder on the cluster: two trainers' loss curve is one trainer's, and the checkpoint holds the teacher",
  async (t) => {
    // 16-px images: two global views and two 8-px local ones, the teacher by EMA.
    const data = writeMnistDir(64, 16);
    const multi = {
      ...config,
      dataPath: data,
      batchSize: 16,
      aug: 'multicrop',
      locals: 2,
      localSize: 8,
      momentumEncoder: 0.99,
    };
    const curve = async (trainers: number, runDir: string): Promise<number[]> => {
      const losses: number[] = [];
      const r = await runDistributed(client, {
        ...base(runDir),
        config: multi,
        trainers,
        maxSteps: 4,
        onStep: (s) => losses.push(s.loss),
      });
      t.is(r.steps, 4);
      return losses;
    };
    const runDir = path.join(cluster.dir, 'run-multicrop');
    const two = await curve(2, runDir);
    const one = await curve(1, path.join(cluster.dir, 'run-multicrop-one'));
    const worst = Math.max(...one.map((l, i) => Math.abs(l - two[i]!) / Math.abs(l)));
    t.log(
      `one trainer: ${one.map((l) => l.toFixed(4)).join(' ')}; two: ${two.map((l) => l.toFixed(4)).join(' ')}`,
    );
    t.true(worst < 1e-3, `loss curves differ by ${worst} (relative)`);
    const r = await resolveCheckpoint(runDir);
    t.like(r.checkpoint.manifest.config, {
      aug: 'multicrop',
      locals: 2,
      localSize: 8,
      imageSize: 16,
      channels: 1,
    });
    const teacher = r.state.filter((x) => x.name.startsWith('teacher.'));
    t.true(teacher.length > 10, `${teacher.length} teacher tensors`);
    await selectBackend({ name: 'cpu' });
    const loaded = await loadModelFromCheckpoint(runDir);
    loaded.model.dispose();
  },
);

test.serial(
  'an ImageFolder (RGB) run with multi-crop views goes on into its self-labeling phase; the evaluator says why it cannot measure it',
  async (t) => {
    const folder = await writeImageFolder(3, 6);
    const events: string[] = [];
    const steps: { step: number; kept?: number; loss: number }[] = [];
    const r = await runDistributed(client, {
      ...base(path.join(cluster.dir, 'run-folder')),
      // 18 images, a global batch of 8: 2 steps an epoch; epoch 2 self-labels.
      config: {
        ...config,
        dataPath: folder,
        batchSize: 8,
        epochs: 2,
        mmeEpochs: 1,
        imageSize: 16,
        aug: 'multicrop',
        locals: 2,
        localSize: 8,
      },
      maxSteps: 4,
      evaluate: true,
      onEvent: (e) => events.push(e.kind === 'eval-skipped' ? `eval-skipped: ${e.cause}` : e.kind),
      onStep: (s) => steps.push(s),
    });
    t.is(r.steps, 4);
    t.is(r.evaluation, undefined);
    t.true(
      events.some((e) => /^eval-skipped: .*3 classes.*MNIST-format held-out/.test(e)),
      events.join('\n'),
    );
    t.deepEqual(
      steps.map((s) => s.kept === undefined),
      [true, true, false, false],
      'steps 3 and 4 are of the self-labeling phase',
    );
    for (const s of steps.slice(2)) t.true(s.kept! >= 0 && s.kept! <= 8, String(s.kept));
    for (const s of steps) t.true(Number.isFinite(s.loss));
    const ck = await resolveCheckpoint(r.checkpoint);
    t.like(ck.checkpoint.manifest.config, { channels: 3, imageSize: 16, mmeEpochs: 1 });
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
  "a loader killed mid-run: the run resumes and finishes, and the epoch's sample accounting holds (every sample trained on once)",
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-loader');
    const seen = new Map<number, Int32Array>();
    const r = await runDistributed(client, {
      ...base(runDir),
      onSamples: (step, epoch, samples) => {
        t.is(epoch, 0);
        t.false(seen.has(step), `step ${step} reported twice`);
        seen.set(step, samples);
      },
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
    // The 12 steps trained on the first 12 × 32 images of the epoch's order, each exactly once.
    const all = [...seen.keys()].sort((a, b) => a - b).flatMap((k) => [...seen.get(k)!]);
    t.is(all.length, 12 * 32);
    t.is(new Set(all).size, all.length, 'no sample twice');
    const order = epochOrder(60_000, config.seed, 0);
    t.deepEqual(new Set(all), new Set(order.subarray(0, 12 * 32)));
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

test.serial(
  "--local-bn: each trainer keeps its own BatchNorm statistics, and a checkpoint first gives every trainer rank 0's",
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-local-bn');
    mkdirSync(runDir, { recursive: true });
    const runMarker = await writeRunMarker(runDir);
    const loaders = await Promise.all(
      [0, 1].map((rank) => client.createActor('loader', { config, rank, worldSize: 2 })),
    );
    const trainers = await Promise.all(
      [0, 1].map((rank) =>
        client.createActor(
          'trainer',
          {
            config,
            rank,
            worldSize: 2,
            groupId: 'local-bn',
            loaderIds: [loaders[rank]!.id],
            stepsPerEpoch: 100,
            backend: 'wasm',
            threads: 1,
            syncBatchNorm: false,
            runDir,
            runMarker,
          },
          { resources: { CPU: 1 } },
        ),
      ),
    );
    t.teardown(() => [...loaders, ...trainers].forEach((a) => void a.kill().catch(() => undefined)));
    await Promise.all([...loaders, ...trainers].map((a) => a.ready(120_000)));
    const peers = await Promise.all(trainers.map((x) => x.call<string>('endpoint')));
    await Promise.all(trainers.map((x) => x.call('join', { peers, generation: 1 })));
    await Promise.all(trainers.map((x) => x.call('train', { until: 2 }, { timeoutMs: 120_000 })));
    type Sums = { weights: string; withBuffers: string };
    const before = await Promise.all(trainers.map((x) => x.call<Sums>('checksum')));
    t.is(before[0]!.weights, before[1]!.weights, 'the weights are one');
    t.not(before[0]!.withBuffers, before[1]!.withBuffers, "the running statistics are each trainer's own");
    const staging = await beginCheckpoint(runDir, 2);
    await Promise.all(trainers.map((x) => x.call('writeShard', { staging, n: 2 })));
    const after = await Promise.all(trainers.map((x) => x.call<Sums>('checksum')));
    t.is(after[0]!.withBuffers, after[1]!.withBuffers, "every trainer holds rank 0's statistics");
    t.is(after[0]!.withBuffers, before[0]!.withBuffers, "they are rank 0's");
  },
);

// Last: it kills two of the three workers.
test.serial(
  'elastic (--min-trainers 1): two nodes lost, the run goes on with one trainer, and grows back to two when a worker attaches',
  async (t) => {
    const runDir = path.join(cluster.dir, 'run-elastic');
    const events: string[] = [];
    const worlds: number[] = [];
    const seen = new Map<number, Int32Array>();
    let attached: Promise<unknown> | undefined;
    // 40 steps, a checkpoint every 4: the attached worker has several checkpoints to be seen at.
    const started = Date.now();
    const r = await runDistributed(client, {
      ...base(runDir),
      maxSteps: 40,
      minTrainers: 1,
      elasticWaitMs: 3000,
      onSamples: (step, _epoch, samples) => seen.set(step, samples),
      onEvent: (e) => {
        events.push(
          `${e.kind === 'resize' ? `resize ${e.from}->${e.to} at ${e.step}` : e.kind}@${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
        if (e.kind === 'group-ready') worlds.push(e.trainers);
        if (e.kind === 'checkpoint' && e.step === 4 && worlds.length === 1)
          void (async () => {
            // Kill the worker of trainer rank 1 and the spare one: one node is left.
            const st = await client.status();
            const t1 = st.actors.find((a) => a.name === 'trainer-1-g1' && a.state === 'ALIVE')!;
            const t0 = st.actors.find((a) => a.name === 'trainer-0-g1' && a.state === 'ALIVE')!;
            for (const w of cluster.workers)
              if (w.info['nodeId'] !== t0.nodeId && w.child.exitCode === null) cluster.kill(w);
            t.truthy(t1);
          })();
        if (e.kind === 'group-ready' && e.trainers === 1 && !attached)
          attached = cluster.startWorker(['--cpus', '1']);
      },
    });
    t.log(events.join(', '));
    t.deepEqual(worlds.slice(0, 2), [2, 1], 'two trainers, then one after the loss');
    t.is(worlds[worlds.length - 1], 2, 'grown back to two');
    t.true(events.some((e) => e.startsWith('resize 1->2')));
    t.log(r.failures.map((f) => f.cause.slice(0, 200)).join(' | '));
    // One failure for the loss, and one more for each dead node a regroup was placed on before the
    // head knew it dead (the actor cannot start there; the head then keeps off that node).
    t.true(r.failures.length >= 1 && r.failures.length <= 3, JSON.stringify(r.failures));
    t.is(await optimizerSteps(runDir), 40);
    const all = [...seen.keys()].sort((a, b) => a - b).flatMap((k) => [...seen.get(k)!]);
    t.is(all.length, 40 * 32);
    t.is(new Set(all).size, all.length, 'no sample twice, whatever the number of trainers');
    await attached;
  },
);
