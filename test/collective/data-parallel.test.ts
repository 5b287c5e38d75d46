import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const TRAINER = fileURLToPath(new URL('../helpers/dp-trainer.js', import.meta.url));

/** Runs `n` trainer processes for `steps` steps; returns each rank's final weights. */
async function train(n: number, steps: number): Promise<Float32Array[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-dp-'));
  const children = Array.from({ length: n }, (_, rank) =>
    spawn(
      process.execPath,
      [TRAINER, String(rank), String(n), String(steps), path.join(dir, `w${rank}.bin`)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
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
  return children.map(
    (_, r) => new Float32Array(Uint8Array.from(readFileSync(path.join(dir, `w${r}.bin`))).buffer),
  );
}

test('two trainers averaging gradients by ring all-reduce end with the weights of one trainer on the whole batch', async (t) => {
  const [one] = await train(1, 3);
  const two = await train(2, 3);
  t.deepEqual(two[0], two[1], 'both ranks hold bitwise the same weights');
  let worst = 0;
  let moved = 0;
  const init = await train(1, 0);
  for (let i = 0; i < one!.length; i++) {
    worst = Math.max(worst, Math.abs(two[0]![i]! - one![i]!) / (1e-3 + Math.abs(one![i]!)));
    moved = Math.max(moved, Math.abs(one![i]! - init[0]![i]!));
  }
  t.true(moved > 1e-3, `training moved the weights (max change ${moved})`);
  t.log(`max relative difference after 3 steps: ${worst.toExponential(2)}`);
  t.true(worst < 1e-4, `weights differ by ${worst} (relative)`);
});
