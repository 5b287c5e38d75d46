import { execFile } from 'node:child_process';

/** A GPU as the worker reports it. */
export interface GpuDevice {
  index: number;
  name: string;
  memoryBytes: number;
  /** True for a count given by `--gpus N` without a device behind it (tests, dry runs). */
  declared: boolean;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits` output. */
export function parseNvidiaSmi(csv: string): GpuDevice[] {
  const out: GpuDevice[] = [];
  for (const line of csv.split('\n')) {
    const parts = line.split(',').map((s) => s.trim());
    if (parts.length < 3) continue;
    const index = Number(parts[0]);
    const mib = Number(parts[parts.length - 1]);
    if (!Number.isInteger(index) || !Number.isFinite(mib)) continue;
    out.push({ index, name: parts.slice(1, -1).join(','), memoryBytes: mib * 2 ** 20, declared: false });
  }
  return out;
}

/** The machine's NVIDIA GPUs (none when `nvidia-smi` is missing or fails; never throws). */
export function detectGpus(timeoutMs = 10_000): Promise<GpuDevice[]> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: timeoutMs },
      (err, stdout) => resolve(err ? [] : parseNvidiaSmi(stdout)),
    );
  });
}

/**
 * The GPUs a worker offers: `auto` → those detected; `N` → the first N detected, and when fewer
 * exist, the rest declared (indices after the detected ones, marked `declared`).
 */
export async function resolveGpus(spec: 'auto' | number, detect = detectGpus): Promise<GpuDevice[]> {
  const found = await detect();
  if (spec === 'auto') return found;
  const out = found.slice(0, spec);
  for (let i = out.length; i < spec; i++)
    out.push({ index: i, name: 'declared', memoryBytes: 0, declared: true });
  return out;
}
