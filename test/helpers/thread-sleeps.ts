import { readFileSync } from 'node:fs';

/**
 * How many times thread `tid` of this process has gone to sleep so far (the kernel's count of its
 * voluntary context switches, /proc/self/task/TID/status); default the main thread. Linux only.
 */
export function threadSleeps(tid = process.pid): number {
  const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)![1]);
}
