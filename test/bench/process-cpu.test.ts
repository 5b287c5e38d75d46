import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import test from 'ava';
import { machineCpu, processCpu } from '../../bench/process-cpu.js';

// Serial: each test's readings must not see another test's spinning (ava runs a file's tests at once).

/** Keeps the calling thread busy until the process has used `ms` more CPU (so load cannot shorten it). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const u = process.cpuUsage(start);
    if (u.user + u.system >= ms * 1000) return;
  }
}

test.serial('a process CPU reading splits the main thread from the others', async (t) => {
  const a = processCpu(process.pid);
  t.truthy(a, 'this process has a /proc entry');
  spin(300);
  const b = processCpu(process.pid)!;
  t.true(b.main - a!.main >= 0.2, `main thread: ${b.main - a!.main} s after spinning 0.3 s of CPU`);
  // The worker stays alive until terminated (a listener on its port): a thread that has exited
  // leaves /proc/PID/task, its CPU with it, and under load the reading below came after the exit.
  const w = new Worker(
    `const s = process.cpuUsage();
     for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= 300_000) break; }
     const { parentPort } = require('node:worker_threads');
     parentPort.on('message', () => undefined);
     parentPort.postMessage(1);`,
    { eval: true },
  );
  await new Promise((resolve) => w.once('message', resolve));
  const c = processCpu(process.pid)!;
  await w.terminate();
  t.true(
    c.threads - b.threads >= 0.2,
    `other threads: ${c.threads - b.threads} s after a worker spun 0.3 s of CPU`,
  );
  t.true(c.main - b.main < 0.2, `main thread while it waited: ${c.main - b.main} s`);
});

test.serial('a process CPU reading of a process that is gone is undefined', async (t) => {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  t.is(processCpu(pid), undefined);
});

test.serial('the machine CPU reading grows with busy time', (t) => {
  const a = machineCpu()!;
  spin(300);
  const b = machineCpu()!;
  t.true(b.busy - a.busy >= 0.2, `busy: ${b.busy - a.busy} s after spinning 0.3 s of CPU`);
  t.true(b.idle >= a.idle && b.steal >= a.steal);
});
