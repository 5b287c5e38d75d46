import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `twist` entry point of this build. */
export const TWIST_CLI = fileURLToPath(new URL('./main.js', import.meta.url));

/** A `twist head` or `twist worker` child process, with the JSON line it printed on start. */
export interface TwistProcess {
  child: ChildProcess;
  info: Record<string, unknown>;
  stderr: () => string;
  /** Resolves with the exit code/signal once it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `twist ARGS` as a child process and waits for its first stdout line (the JSON object
 * `twist head` and `twist worker` print once serving). Logs default to `warn`.
 * @throws Error with its stderr when it exits first or prints nothing within `timeoutMs`.
 */
export function spawnTwist(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<TwistProcess> {
  const child = spawn(process.execPath, [TWIST_CLI, ...args], {
    env: { ...process.env, TWIST_LOG_LEVEL: process.env['TWIST_LOG_LEVEL'] ?? 'warn', ...env },
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
