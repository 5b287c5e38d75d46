import path from 'node:path';
import { runDistributed, type RunEvent } from '../client/index.js';
import { FASHION_MNIST_DIR } from '../data/index.js';
import { startBenchCluster } from './run-cluster.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const width = args.int('width', 8);
  const batch = args.int('batch', 64);
  const steps = args.int('steps', 16);
  const every = args.int('every', 4);
  // Health checks every 0.5 s, as every earlier run of this bench had them (a dead node declared in
  // ~1.5 s); the killed trainer's death is reported by its worker at once, not by them.
  const c = await startBenchCluster(3, 1, {
    health: { initialDelayMs: 500, periodMs: 500, timeoutMs: 1000, failureThreshold: 3 },
  });
  try {
    let killAt = 0;
    let killedAtStep = 0;
    const events: RunEvent[] = [];
    let sinceCheckpoint = 0;
    let afterKill: number | undefined;
    await runDistributed(c.client, {
      config: { dataPath: FASHION_MNIST_DIR, batchSize: batch, epochs: 1, width, seed: 0 },
      trainers: 2,
      runDir: path.join(c.dir, 'run'),
      checkpointEvery: every,
      maxSteps: steps,
      backend: 'wasm',
      threads: 1,
      evaluate: false,
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'checkpoint' && e.step === every && !killAt)
          void (async () => {
            // Kill once rank 1 is into the next stretch (its steps counter passed the checkpoint).
            for (;;) {
              const s = await c.client.status();
              const t = s.actors.find(
                (a) => a.className === 'trainer' && a.name === 'trainer-1-g1' && a.state === 'ALIVE',
              );
              if (!t) return;
              const text = await (await fetch(`http://${t.metricsAddress}/metrics`)).text();
              const done = Number(/^twist_trainer_steps_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
              if (done > every) {
                killedAtStep = done;
                killAt = Date.now();
                process.kill(t.pid, 'SIGKILL');
                return;
              }
              await new Promise((r) => setTimeout(r, 50));
            }
          })();
        if (e.kind === 'failure') afterKill = e.atMs;
        if (e.kind === 'group-ready' && e.generation === 2) sinceCheckpoint = e.resumedFrom;
      },
    });
    const ready = events.find((e) => e.kind === 'group-ready' && e.generation === 2);
    if (!ready || ready.kind !== 'group-ready' || afterKill === undefined)
      throw new Error('the run did not recover');
    const detection = (afterKill - killAt) / 1000;
    const recovery = detection + ready.seconds;
    emit({
      bench: 'recovery',
      trainers: 2,
      killed: 'trainer rank 1 (SIGKILL)',
      detection_s: Number(detection.toFixed(3)),
      reschedule_s: Number((ready.phases.placement + ready.phases.actors).toFixed(3)),
      checkpoint_load_s: Number(ready.phases.restore.toFixed(3)),
      ring_rebuild_s: Number(ready.phases.ring.toFixed(3)),
      recovery_total_s: Number(recovery.toFixed(3)),
      target_s: `detection + 30 = ${(detection + 30).toFixed(1)}`,
      resumed_from_step: sinceCheckpoint,
      steps_lost: Math.max(0, killedAtStep - sinceCheckpoint),
    });
  } finally {
    await c.close();
  }
}

/**
 * `npm run bench -- recovery [--width 8] [--batch 64] [--steps 16] [--every 4]`: a two-trainer run
 * whose rank-1 trainer is SIGKILLed one step into the stretch after the first checkpoint; reports
 * detection (kill → the driver sees the failure), rescheduling (bundles + actors), checkpoint load,
 * ring rebuild, and the steps lost (done after the checkpoint, redone after the resume).
 */
export const recoveryBench: Bench = {
  flags: ['width', 'batch', 'steps', 'every'],
  run,
};
