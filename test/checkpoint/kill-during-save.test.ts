import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadState, readLatest, verifyCheckpoint } from '../../checkpoint/index.js';
import { Random } from '../../core/index.js';

const LOOP = fileURLToPath(new URL('../helpers/save-loop.js', import.meta.url));
const TRIALS = 50;

/** Starts the save loop, kills it with SIGKILL `delayMs` after it is ready. */
function killDuringSaves(root: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOP, root, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`save loop exited with ${code ?? signal}`)),
    );
  });
}

test(`a save killed with SIGKILL at random points never leaves a LATEST that fails validation (${TRIALS} trials)`, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'twist-kill-'));
  const rng = new Random(2026);
  let lastStep = 0;
  let advanced = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    await killDuringSaves(root, rng.int(250));
    const latest = await readLatest(root);
    if (!latest) continue; // killed before the first commit
    const ck = await verifyCheckpoint(path.join(root, latest)); // throws when torn
    const step = ck.manifest.step;
    t.true(step >= lastStep, `LATEST went back from ${lastStep} to ${step}`);
    if (step > lastStep) advanced++;
    lastStep = step;
    for (const x of await loadState(ck))
      if (!x.data.every((v) => v === step))
        t.fail(`trial ${trial}: ${latest}/${x.name} holds another step's values`);
  }
  t.log(`${TRIALS} kills; LATEST advanced in ${advanced} of them, to step ${lastStep}`);
  t.true(advanced >= TRIALS / 5, 'most kills land after some commits, so the trials exercise the protocol');
});
