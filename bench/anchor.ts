import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/anchors` beside the checkout, or `TWIST_ANCHORS_DIR`. */
export function anchorsDir(): string {
  const fromEnv = process.env['TWIST_ANCHORS_DIR'];
  if (fromEnv) return fromEnv;
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return path.resolve(repo, '..', 'shared', 'anchors');
}

/**
 * The python that runs the anchors: `TWIST_ANCHOR_PYTHON` (a GPU host's PyTorch often lives in a
 * virtual environment), else Debian's /usr/bin/python3 (python3-torch).
 */
export function anchorPython(): string {
  return process.env['TWIST_ANCHOR_PYTHON'] || '/usr/bin/python3';
}

export interface AnchorRun {
  lines: Record<string, unknown>[];
  seconds: number;
}

/**
 * Runs `script ARGS` with {@link anchorPython} and collects the JSON lines it prints;
 * `stopWhen` may end it early (e.g. after the first epoch line, to skip an evaluation).
 * @throws Error when the script or python is missing, or when it fails.
 */
export async function runPythonJsonLines(
  script: string,
  args: string[],
  stopWhen?: (line: Record<string, unknown>) => boolean,
): Promise<AnchorRun> {
  if (!existsSync(script)) throw new Error(`anchor script not found: ${script} (set TWIST_ANCHORS_DIR)`);
  const python = anchorPython();
  if (path.isAbsolute(python) && !existsSync(python))
    throw new Error(
      `${python} not found: apt-get install python3-torch python3-sklearn python3-scipy, or set TWIST_ANCHOR_PYTHON`,
    );
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let buf = '';
    let stopped = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const obj = JSON.parse(line) as Record<string, unknown>;
        lines.push(obj);
        if (!stopped && stopWhen?.(obj)) {
          stopped = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && !stopped)
        reject(new Error(`${path.basename(script)} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ lines, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** The PyTorch TWIST anchor `twist_torch_fmnist.py ARGS` from {@link anchorsDir}. */
export function runTorchAnchor(
  args: string[],
  stopWhen?: (line: Record<string, unknown>) => boolean,
): Promise<AnchorRun> {
  return runPythonJsonLines(path.join(anchorsDir(), 'twist_torch_fmnist.py'), args, stopWhen);
}
