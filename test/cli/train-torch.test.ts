import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';
import { jsonLines, runCli } from '../helpers/run-cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twist-train-torch-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const withLibtorch = libtorchOnThisMachine();

if (withLibtorch)
  test('twist train --local --backend torch trains Fashion-MNIST, and its checkpoint evaluates on torch', async (t) => {
    const runDir = path.join(tmp, 'run');
    const r = await runCli([
      'train',
      '--local',
      '--backend',
      'torch',
      '--threads',
      '1',
      '--data-path',
      FASHION_MNIST_DIR,
      '--max-steps',
      '6',
      '--batch-size',
      '64',
      '--width',
      '8',
      '--hid-dim',
      '64',
      '--log-every',
      '1',
      '--run-dir',
      runDir,
    ]);
    t.is(r.code, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    const steps = lines.filter((l) => 'step' in l);
    t.is(steps.length, 6);
    for (const s of steps) t.true(Number.isFinite(s['loss']), JSON.stringify(s));
    t.is(lines.at(-1)!['backend'], 'torch');
    const e = await runCli([
      'eval',
      'knn',
      '--checkpoint',
      runDir,
      '--backend',
      'torch',
      '--threads',
      '1',
      '--json',
      '--data-path',
      FASHION_MNIST_DIR,
    ]);
    t.is(e.code, 0, e.stderr);
    const knn = jsonLines(e.stdout).at(-1)!;
    // a few steps of a tiny model already sort Fashion-MNIST far above chance (0.1)
    const top1 = Object.entries(knn).find(([k]) => /top1|knn/.test(k))?.[1];
    t.true(Number(top1) > 0.3, JSON.stringify(knn));
  });

// Without a libtorch the addon cannot have been built: forcing the backend says so and trains nothing.
if (!withLibtorch)
  test('without libtorch, twist train --backend torch fails naming the reason', async (t) => {
    const r = await runCli(['train', '--local', '--backend', 'torch', '--max-steps', '1']);
    t.is(r.code, 2);
    t.regex(r.stderr, /the torch backend is unavailable/);
  });
