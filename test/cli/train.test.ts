import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { loadModelFromCheckpoint } from '../../checkpoint/index.js';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { writeMnistDir } from '../helpers/mnist-files.js';
import { WASM1, jsonLines, runCli } from '../helpers/run-cli.js';

const SMALL = ['--batch-size', '16', '--width', '4', '--hid-dim', '32', '--dim', '4'];

test.after.always(() => shutdownBackend());

test('twist train --local trains, prints an epoch JSON line and saves a loadable checkpoint', async (t) => {
  const data = writeMnistDir(64, 12, 4);
  const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'twist-run-')), 'run');
  const r = await runCli(
    ['train', '--local', '--data-path', data, '--max-steps', '3', ...SMALL, '--run-dir', runDir],
    WASM1,
  );
  t.is(r.code, 0, r.stderr);
  const [epoch] = jsonLines(r.stdout);
  t.is(epoch?.['epoch'], 1);
  t.is(epoch?.['steps'], 3);
  t.true(Number.isFinite(epoch?.['loss']) && Number.isFinite(epoch?.['images_per_s']));
  t.is(epoch?.['backend'], 'wasm');
  t.is(readFileSync(path.join(runDir, 'LATEST'), 'utf8'), 'step-3\n');
  await selectBackend({ name: 'cpu' });
  const { model, checkpoint, config } = await loadModelFromCheckpoint(runDir);
  t.is(checkpoint.manifest.step, 3);
  t.is(config.width, 4);
  const names = checkpoint.manifest.tensors.map((x) => x.name);
  for (const n of [
    'projection_heads.norm.running_var',
    'optimizer.backbone.conv1.weight.momentum_buffer',
    'rng.augment.words',
    'sampler.state',
  ])
    t.true(names.includes(n), n);
  t.is(
    model.store.get('backbone.bn1.num_batches_tracked').dataSync()[0],
    3,
    'BN buffers saved after 3 steps',
  );
  model.dispose();
});

test('a missing dataset is a clear error naming the files, exit code 2', async (t) => {
  const r = await runCli(
    ['train', '--local', '--data-path', '/nonexistent/fmnist', '--max-steps', '1'],
    WASM1,
  );
  t.is(r.code, 2);
  t.regex(r.stderr, /\/nonexistent\/fmnist\/train-images-idx3-ubyte/);
  t.regex(r.stderr, /DATA_FILE_MISSING/);
});

test('bad flags are clear errors naming the flag and value', async (t) => {
  const bad = await runCli(['train', '--local', '--epochs', 'abc'], WASM1);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--epochs: 'abc' is not a number/);
  const neg = await runCli(['train', '--local', '--batch-size', '1'], WASM1);
  t.is(neg.code, 2);
  t.regex(neg.stderr, /batchSize/);
  const unknown = await runCli(['train', '--local', '--nope'], WASM1);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /--nope/);
  const backend = await runCli(['train', '--local', '--backend', 'gpu'], WASM1);
  t.is(backend.code, 2);
  t.regex(backend.stderr, /unknown backend 'gpu'/);
});

test('Ctrl-C stops after the current step, saves a checkpoint and exits 130', async (t) => {
  const data = writeMnistDir(4000, 12, 4);
  const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'twist-run-')), 'run');
  const r = await runCli(
    [
      'train',
      '--local',
      '--data-path',
      data,
      '--epochs',
      '5',
      ...SMALL,
      '--run-dir',
      runDir,
      '--log-every',
      '1',
    ],
    WASM1,
    (child) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('"step":2,')) child.kill('SIGINT');
      });
    },
  );
  t.is(r.code, 130, r.stderr);
  t.regex(r.stderr, /stopping after this step/);
  const lines = jsonLines(r.stdout);
  const epoch = lines.find((l) => 'steps' in l);
  t.truthy(epoch, 'the partial epoch is reported');
  t.true(Number(epoch?.['steps']) < 50);
  t.regex(readFileSync(path.join(runDir, 'LATEST'), 'utf8'), /^step-\d+\n$/);
});

test('on Fashion-MNIST the loss falls within 40 steps', async (t) => {
  t.true(
    existsSync(FASHION_MNIST_DIR),
    `${FASHION_MNIST_DIR} is missing: apt-get install dataset-fashion-mnist`,
  );
  const r = await runCli(
    [
      'train',
      '--local',
      '--max-steps',
      '40',
      '--batch-size',
      '64',
      '--width',
      '8',
      '--hid-dim',
      '64',
      '--warmup-epochs',
      '0',
      '--log-every',
      '1',
    ],
    { TWIST_BACKEND: 'wasm' },
  );
  t.is(r.code, 0, r.stderr);
  const losses = jsonLines(r.stdout)
    .filter((l) => 'step' in l)
    .map((l) => Number(l['loss']));
  t.is(losses.length, 40);
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const first = mean(losses.slice(0, 10));
  const last = mean(losses.slice(-10));
  t.log(`mean loss of steps 1-10: ${first.toFixed(4)}, steps 31-40: ${last.toFixed(4)}`);
  t.true(last < first - 0.05, `loss ${first} → ${last}`);
});
