import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTwist, type TwistProcess } from '../../cli/spawn-twist.js';

/** A `twist head` or `twist worker` process of a test. */
export type ClusterProcess = TwistProcess;

/** Health checks fast enough for tests: dead after 3 failures 200 ms apart (≈ 0.6-1 s). */
export const FAST_HEALTH = [
  '--health-initial-delay-ms',
  '200',
  '--health-period-ms',
  '200',
  '--health-timeout-ms',
  '500',
  '--health-failure-threshold',
  '3',
];

/** Starts `twist ARGS` (logs at `warn`) and waits for its first stdout line (a JSON object). */
export const startProcess = (
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ClusterProcess> => spawnTwist(args, { TWIST_LOG_LEVEL: 'warn', ...env }, timeoutMs);

/** A head and its workers in a temporary state directory; `close` kills whatever is left. */
export class TestCluster {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'twist-cluster-'));
  readonly stateDir = path.join(this.dir, 'head');
  head: ClusterProcess | undefined;
  readonly workers: ClusterProcess[] = [];
  /** Processes a test killed on purpose (see {@link kill}). */
  readonly killed = new Set<ClusterProcess>();
  address = '';

  get tokenFile(): string {
    return path.join(this.stateDir, 'token');
  }

  get token(): string {
    return readFileSync(this.tokenFile, 'utf8').trim();
  }

  async startHead(extra: string[] = FAST_HEALTH, port = 0): Promise<ClusterProcess> {
    this.head = await startProcess([
      'head',
      '--port',
      String(port),
      '--dashboard-port',
      '0',
      '--state-dir',
      this.stateDir,
      ...extra,
    ]);
    this.address = String(this.head.info['address']);
    return this.head;
  }

  async startWorker(extra: string[] = []): Promise<ClusterProcess> {
    const w = await startProcess([
      'worker',
      '--head',
      this.address,
      '--token-file',
      this.tokenFile,
      ...extra,
    ]);
    this.workers.push(w);
    return w;
  }

  /** SIGKILLs one of the cluster's processes on purpose (its end is not reported at close). */
  kill(p: ClusterProcess): void {
    this.killed.add(p);
    p.child.kill('SIGKILL');
  }

  /** SIGKILLs every process left and removes the directory. */
  async close(): Promise<void> {
    const all = [this.head, ...this.workers].filter((p): p is ClusterProcess => Boolean(p));
    // A process that failed on its own before the teardown: say how (what a failing test needs).
    for (const p of all)
      if ((p.child.signalCode !== null || (p.child.exitCode ?? 0) !== 0) && !this.killed.has(p))
        process.stderr.write(
          `twist ${typeof p.info['event'] === 'string' ? p.info['event'] : 'process'} (pid ${p.child.pid}) ended early: code ${p.child.exitCode} signal ${p.child.signalCode}\n${p.stderr().slice(-2000)}\n`,
        );
    for (const p of all)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.race([Promise.all(all.map((p) => p.exited)), sleep(5000)]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `fn` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Whether a process id is running. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
