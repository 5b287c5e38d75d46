import { spawn, type ChildProcess } from 'node:child_process';
import { TWIST_CLI } from '../../cli/spawn-twist.js';

/** The built CLI entry point. */
export const CLI = TWIST_CLI;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `twist ARGS` in a child process; `onStart` gets the child (to send signals). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  onStart?: (child: ChildProcess, stderr: () => string) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child, () => stderr);
  });
}

/** The JSON lines of a command's stdout. */
export function jsonLines(stdout: string): Record<string, number | string>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, number | string>);
}

/** The wasm backend on one thread: light and deterministic for CLI tests. */
export const WASM1 = { TWIST_BACKEND: 'wasm', TWIST_WASM_THREADS: '1' };

/**
 * Trains a tiny model (ResNet-18 width 4, head 32/`dim`) for `steps` steps on `data` into `runDir`.
 * @throws Error with the CLI's stderr when it fails.
 */
export async function trainTinyRun(data: string, runDir: string, steps = 4, dim = 6): Promise<void> {
  const r = await runCli(
    [
      'train',
      '--local',
      '--data-path',
      data,
      '--max-steps',
      String(steps),
      '--batch-size',
      '16',
      '--width',
      '4',
      '--hid-dim',
      '32',
      '--dim',
      String(dim),
      '--run-dir',
      runDir,
    ],
    WASM1,
  );
  if (r.code !== 0) throw new Error(r.stderr);
}
