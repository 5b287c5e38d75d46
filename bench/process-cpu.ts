import { readdirSync, readFileSync } from 'node:fs';

/** /proc's clock ticks per second (USER_HZ, 100 on every Linux build the kernel ABI allows). */
const USER_HZ = 100;

/** The CPU seconds one process has used: its main thread's and all its other threads' together. */
export interface ProcessCpu {
  main: number;
  threads: number;
}

/** utime + stime of one /proc stat line, in seconds (fields 14 and 15, counted after the `)`). */
function statSeconds(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / USER_HZ;
}

/**
 * The CPU time `pid` has used so far, split into its main thread and the rest (V8's helper threads,
 * worker threads, native threads), from /proc/PID/task. Threads that have exited are not counted.
 * @returns undefined where there is no /proc (not Linux) or the process is gone.
 */
export function processCpu(pid: number): ProcessCpu | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const out = { main: 0, threads: 0 };
  for (const tid of tids) {
    let s: number;
    try {
      s = statSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      continue; // the thread exited between the listing and the read
    }
    if (tid === String(pid)) out.main += s;
    else out.threads += s;
  }
  return out;
}

/** The whole machine's CPU time so far, in seconds: busy (user, nice, system, irq, softirq), idle
 * (idle, iowait) and stolen by the hypervisor; undefined without /proc/stat. */
export function machineCpu(): { busy: number; idle: number; steal: number } | undefined {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  } catch {
    return undefined;
  }
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map((v) => Number(v) / USER_HZ) as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}
