import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import test from 'ava';
import { EVENT_LOOP_SAMPLE_MS } from '../../core/index.js';

const core = new URL('../../core/index.js', import.meta.url).href;
const sleeps = new URL('../helpers/thread-sleeps.js', import.meta.url).href;

// A process with nothing but its metrics, idle for 2 s: how often its main thread wakes (voluntary
// context switches). The event-loop sampler is what wakes it; prom-client's default of 10 ms woke
// it ~100 times a second.
const idleWakeupsPerSecond = (): number => {
  const script = `
    const { ProcessMetrics } = await import(${JSON.stringify(core)});
    const { threadSleeps: wakeups } = await import(${JSON.stringify(sleeps)});
    const m = new ProcessMetrics({ role: 'test' });
    await new Promise((r) => setTimeout(r, 300));
    const a = wakeups();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    const b = wakeups();
    const text = await m.text();
    process.stdout.write(JSON.stringify({ perS: (b - a - 1) / ((performance.now() - t0) / 1000), lag: /eventloop_lag_p99_seconds/.test(text) }));
  `;
  const out = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as { perS: number; lag: boolean };
  if (!out.lag) throw new Error('no event-loop lag series in the metrics');
  return out.perS;
};

const procTest = existsSync('/proc/self/status') ? test : test.skip;

procTest(
  "an idle process's metrics wake it about once per event-loop sample, not 100 times a second",
  (t) => {
    const perS = idleWakeupsPerSecond();
    t.log(`${perS.toFixed(1)} wakeups a second, sampling every ${EVENT_LOOP_SAMPLE_MS} ms`);
    t.true(perS <= (2 * 1000) / EVENT_LOOP_SAMPLE_MS + 5, `${perS.toFixed(1)} wakeups a second`);
  },
);
