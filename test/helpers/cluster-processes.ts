import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './run-cli.js';

/** A `twist head` or `twist worker` process of a test, with the JSON line it printed on start. */
export interface ClusterProcess {
  child: ChildProcess;
  info: Record<string, unknown>;
  stderr: () => string;
  /** Resolves with the exit code/signal once it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

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

/** Starts `twist ARGS` and waits for its first stdout line (a JSON object). */
export function startProcess(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ClusterProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, TWIST_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`twist ${args.join(' ')} printed nothing within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(t);
      try {
        resolve({
          child,
          info: JSON.parse(stdout.slice(0, nl)) as Record<string, unknown>,
          stderr: () => stderr,
          exited,
        });
      } catch (err) {
        reject(err as Error);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(t);
      reject(
        new Error(`twist ${args.join(' ')} exited (${code ?? signal}) before starting; stderr:\n${stderr}`),
      );
    });
  });
}

/** A head and its workers in a temporary state directory; `close` kills whatever is left. */
export class TestCluster {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'twist-cluster-'));
  readonly stateDir = path.join(this.dir, 'head');
  head: ClusterProcess | undefined;
  readonly workers: ClusterProcess[] = [];
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

  /** SIGKILLs every process left and removes the directory. */
  async close(): Promise<void> {
    const all = [this.head, ...this.workers].filter((p): p is ClusterProcess => Boolean(p));
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
