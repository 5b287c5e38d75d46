import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';

const TRAINER = fileURLToPath(new URL('../helpers/dp-trainer.js', import.meta.url));

/** Deferred kernels rank 0 ran in the last {@link train}. */
let deferredRan = 0;

/** Runs `n` trainer processes for `steps` steps; returns rank 0's final weights (all ranks must agree). */
async function train(
  n: number,
  steps: number,
  mode: 'sync' | 'uneven' | 'local' | 'torch' | 'torch-deferred' = 'sync',
): Promise<Float32Array> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-dp-'));
  const children = Array.from({ length: n }, (_, rank) =>
    spawn(
      process.execPath,
      [TRAINER, String(rank), String(n), String(steps), path.join(dir, `w${rank}.bin`), mode],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  const addresses = await Promise.all(
    children.map(
      (c) =>
        new Promise<string>((resolve) =>
          createInterface({ input: c.stdout }).once('line', (l) =>
            resolve((JSON.parse(l) as { address: string }).address),
          ),
        ),
    ),
  );
  children.forEach((c) => c.stdin.write(`${JSON.stringify(addresses)}\n`));
  const codes = await Promise.all(
    children.map((c) => new Promise<number | null>((resolve) => c.once('exit', resolve))),
  );
  if (codes.some((c) => c !== 0)) throw new Error(`trainers exited with ${codes.join(', ')}`);
  const weights = children.map(
    (_, r) => new Float32Array(Uint8Array.from(readFileSync(path.join(dir, `w${r}.bin`))).buffer),
  );
  deferredRan = Number(readFileSync(path.join(dir, 'w0.bin.deferred'), 'utf8'));
  for (const w of weights.slice(1))
    if (Buffer.compare(Buffer.from(w.buffer), Buffer.from(weights[0]!.buffer)) !== 0)
      throw new Error('ranks ended with different weights');
  return weights[0]!;
}

function worstRelative(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(b[i]! - a[i]!) / (1e-3 + Math.abs(a[i]!)));
  return worst;
}

test('two trainers (SyncBatchNorm, global-batch diversity term, gradients averaged by ring all-reduce) end with the weights of one trainer on the whole batch', async (t) => {
  const [init, one, two, local] = [
    await train(1, 0),
    await train(1, 3),
    await train(2, 3),
    await train(2, 3, 'local'),
  ];
  const moved = worstRelative(init, one);
  t.true(moved > 1e-2, `training moved the weights (max relative change ${moved})`);
  const synced = worstRelative(one, two);
  const unsynced = worstRelative(one, local);
  t.log(
    `max relative difference after 3 steps: synced ${synced.toExponential(2)}, local statistics ${unsynced.toExponential(2)}`,
  );
  t.true(synced < 2e-3, `weights differ by ${synced} (relative)`);
  // Without the cross-rank sums the halves' statistics differ: the check above would see it.
  t.true(unsynced > 20 * synced, `local statistics differ by only ${unsynced}`);
});

test('two trainers on unequal shares of the batch (10 and 6 of 16 images, as balanced shares split it) end with the weights of one trainer on the whole batch', async (t) => {
  const [one, uneven] = [await train(1, 3), await train(2, 3, 'uneven')];
  const d = worstRelative(one, uneven);
  t.log(`max relative difference after 3 steps: ${d.toExponential(2)}`);
  // Unweighted (KL and EH each rank's plain mean, HE's gradient over its own rows) it is ~8 here.
  t.true(d < 2e-3, `weights differ by ${d} (relative)`);
});

if (libtorchOnThisMachine())
  test('on the torch backend, deferring the filter gradients into the BatchNorm sums’ waits changes no bit of the result', async (t) => {
    const [init, plain, deferred] = [
      await train(1, 0, 'torch'),
      await train(2, 3, 'torch'),
      await train(2, 3, 'torch-deferred'),
    ];
    // 3 steps of ResNet-18's 20 convolutions: every filter gradient was deferred.
    t.is(deferredRan, 60);
    t.true(worstRelative(init, plain) > 1e-2, 'training moved the weights');
    t.is(Buffer.compare(Buffer.from(plain.buffer), Buffer.from(deferred.buffer)), 0);
  });
