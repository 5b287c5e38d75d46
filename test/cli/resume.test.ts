import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMnistDir } from '../helpers/mnist-files.js';
import { WASM1, jsonLines, runCli } from '../helpers/run-cli.js';

// 64 images, batch 16: 4 steps per epoch; 2 epochs.
const RUN = [
  'train',
  '--local',
  '--epochs',
  '2',
  '--batch-size',
  '16',
  '--width',
  '4',
  '--hid-dim',
  '32',
  '--dim',
  '4',
  '--log-every',
  '1',
];
const data = writeMnistDir(64, 12, 4);
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'twist-resume-'));

function losses(stdout: string): Map<number, number> {
  return new Map(
    jsonLines(stdout)
      .filter((l) => 'step' in l)
      .map((l) => [Number(l['step']), Number(l['loss'])]),
  );
}

test("a resumed run continues exactly: the steps after the checkpoint have the uninterrupted run's losses", async (t) => {
  const whole = await runCli([...RUN, '--data-path', data, '--run-dir', path.join(tmp(), 'a')], WASM1);
  t.is(whole.code, 0, whole.stderr);
  const reference = losses(whole.stdout);
  t.is(reference.size, 8);
  const run = path.join(tmp(), 'b');
  // Stop at step 3 (inside epoch 1), checkpointing every 2 steps: step-2 and the final step-3.
  const first = await runCli(
    [...RUN, '--data-path', data, '--run-dir', run, '--max-steps', '3', '--checkpoint-every', '2'],
    WASM1,
  );
  t.is(first.code, 0, first.stderr);
  t.is(readFileSync(path.join(run, 'LATEST'), 'utf8'), 'step-3\n');
  const second = await runCli(
    [...RUN, '--data-path', data, '--run-dir', run, '--resume', '--max-steps', '8'],
    WASM1,
  );
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /resuming from .*step-3 \(step 3, epoch 1, step 3 of it\)/);
  const resumed = losses(second.stdout);
  t.deepEqual([...resumed.keys()], [4, 5, 6, 7, 8]);
  for (const [step, loss] of resumed) t.is(loss, reference.get(step) ?? NaN, `step ${step}`);
});

test('--resume passes over a corrupt LATEST, says so, and continues from the newest valid checkpoint', async (t) => {
  const run = path.join(tmp(), 'c');
  const first = await runCli(
    [...RUN, '--data-path', data, '--run-dir', run, '--max-steps', '4', '--checkpoint-every', '2'],
    WASM1,
  );
  t.is(first.code, 0, first.stderr);
  const shard = path.join(run, 'step-4', 'shard-00000-of-00001.bin');
  const bytes = readFileSync(shard);
  bytes[100]! ^= 1;
  writeFileSync(shard, bytes);
  const second = await runCli(
    [...RUN, '--data-path', data, '--run-dir', run, '--resume', '--max-steps', '5'],
    WASM1,
  );
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /passing over .*step-4: .*shard-00000-of-00001\.bin fails its checksum/);
  t.regex(second.stderr, /resuming from .*step-2 /);
  t.deepEqual([...losses(second.stdout).keys()], [3, 4, 5]);
});

test('--resume in an empty run directory starts from step 0 and says so', async (t) => {
  const r = await runCli(
    [...RUN, '--data-path', data, '--run-dir', path.join(tmp(), 'd'), '--resume', '--max-steps', '1'],
    WASM1,
  );
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /no checkpoint in .* yet: starting from step 0/);
});
