import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ClusterClient } from '../client/index.js';
import { DataFileMissingError, InvalidArgumentError, readToken } from '../core/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { intOption } from './cluster-flags.js';
import { trainOnCluster } from './cluster-train.js';
import { spawnTwist } from './spawn-twist.js';

interface DemoFlags {
  dataPath: string;
  epochs: number;
  maxSteps: number;
  trainers: number;
  gpusPerTrainer: number;
  batchSize: number;
  width: number;
  backend: string;
  dashboardPort: number;
  json?: boolean;
  keep?: boolean;
}

/**
 * `twist demo`: the whole product on this machine: a head and two workers as child processes, a
 * short TWIST run on Fashion-MNIST (two trainers with a loader each, then the evaluator), the
 * dashboard's URL, a progress bar, and the evaluator's figures at the end. The first worker offers
 * this machine's GPUs (nvidia-smi), the second none, so that no GPU is offered twice; with
 * `--gpus-per-trainer N` each trainer runs on its own N of them.
 * @throws InvalidArgumentError when the trainers need more GPUs than nvidia-smi shows.
 */
export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start a head and two workers here, train TWIST on Fashion-MNIST with two trainers, evaluate',
    )
    .option('--data-path <dir>', 'Fashion-MNIST (MNIST format)', FASHION_MNIST_DIR)
    .option('--epochs <n>', 'epochs', intOption('--epochs', 1), 1)
    .option('--max-steps <n>', 'stop after N steps (0: the whole epochs)', intOption('--max-steps', 0), 40)
    .option('--trainers <n>', 'trainers (one bundle each)', intOption('--trainers', 1), 2)
    .option(
      '--gpus-per-trainer <n>',
      "GPUs per trainer, from this machine's (0: trainers on CPUs)",
      intOption('--gpus-per-trainer', 0),
      0,
    )
    .option('--batch-size <n>', 'global batch', intOption('--batch-size', 2), 256)
    .option('--width <n>', 'ResNet-18 width', intOption('--width', 1), 16)
    .option('--backend <name>', 'compute backend of the trainers', 'auto')
    .option('--dashboard-port <n>', 'dashboard port (0: any)', intOption('--dashboard-port'), 8265)
    .option('--json', 'end with one JSON line: the evaluator figures and images_per_s')
    .option('--keep', 'leave the cluster running at the end (stop it with twist stop)')
    .action(async (f: DemoFlags) => {
      if (
        !existsSync(path.join(f.dataPath, 'train-images-idx3-ubyte.gz')) &&
        !existsSync(path.join(f.dataPath, 'train-images-idx3-ubyte'))
      )
        throw new DataFileMissingError(
          `no Fashion-MNIST in ${f.dataPath}: install it with 'apt-get install dataset-fashion-mnist', or pass --data-path DIR`,
        );
      const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-demo-'));
      const say = (s: string): void => void process.stderr.write(`${s}\n`);
      const children: ChildProcess[] = [];
      try {
        const dashboardPort = await firstFreePort(f.dashboardPort);
        const head = await spawnTwist([
          'head',
          '--port',
          '0',
          '--dashboard-port',
          String(dashboardPort),
          '--state-dir',
          path.join(dir, 'head'),
        ]);
        children.push(head.child);
        const address = String(head.info['address']);
        const tokenFile = String(head.info['tokenFile']);
        const cpus = Math.max(1, Math.floor(os.availableParallelism() / 2));
        let gpus = 0;
        for (let i = 0; i < 2; i++) {
          const w = await spawnTwist([
            'worker',
            '--head',
            address,
            '--token-file',
            tokenFile,
            '--cpus',
            String(cpus),
            '--gpus',
            i === 0 ? 'auto' : '0',
          ]);
          children.push(w.child);
          if (i === 0) gpus = Array.isArray(w.info['gpus']) ? w.info['gpus'].length : 0;
        }
        if (f.gpusPerTrainer * f.trainers > gpus)
          throw new InvalidArgumentError(
            `--gpus-per-trainer ${f.gpusPerTrainer} with ${f.trainers} trainers needs ${f.gpusPerTrainer * f.trainers} GPUs; nvidia-smi shows ${gpus} here`,
          );
        say(`cluster up: head ${address}, 2 workers${gpus ? ` (${gpus} GPUs on the first)` : ''}`);
        say(`dashboard: ${String(head.info['dashboard'])}`);
        const threads = Math.max(1, Math.floor(os.availableParallelism() / f.trainers));
        const result = await trainOnCluster({
          head: address,
          token: readToken(tokenFile),
          config: { dataPath: f.dataPath, epochs: f.epochs, batchSize: f.batchSize, width: f.width, seed: 0 },
          trainers: f.trainers,
          runDir: path.join(dir, 'run'),
          checkpointEvery: 0,
          maxFailures: 3,
          gpusPerTrainer: f.gpusPerTrainer,
          backend: f.backend,
          threads,
          ...(f.maxSteps > 0 ? { maxSteps: f.maxSteps } : {}),
          evalTrainImages: 10_000,
          evalTestImages: 2_000,
        });
        const e = result.evaluation ?? {};
        say(
          `trained ${result.steps} steps at ${result.imagesPerS.toFixed(0)} images/s; kNN ${fmt(e['knn'])}, NMI ${fmt(e['nmi'])}, AMI ${fmt(e['ami'])}, ARI ${fmt(e['ari'])}, ACC ${fmt(e['acc'])} (checkpoint ${result.checkpoint})`,
        );
        if (f.json)
          process.stdout.write(
            `${JSON.stringify({ knn: e['knn'], nmi: e['nmi'], ami: e['ami'], ari: e['ari'], acc: e['acc'], images_per_s: result.imagesPerS, steps: result.steps, failures: result.failures.length })}\n`,
          );
        if (f.keep) {
          say(`the cluster keeps running: twist status --head ${address} --token-file ${tokenFile}`);
          return;
        }
        const c = await ClusterClient.connect({ head: address, token: readToken(tokenFile), job: false });
        await c.stopCluster().finally(() => c.close());
        await Promise.all(
          children.map((ch) => new Promise((r) => (ch.exitCode !== null ? r(null) : ch.once('exit', r)))),
        );
      } finally {
        if (!f.keep) {
          for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
}

const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(3) : '–');

/** `port` when it is free, else any free port (the default 8265 may be taken by another head). */
async function firstFreePort(port: number): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(0));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(port)));
  });
}
