import { execFile } from 'node:child_process';
import type { ProcessMetrics } from '../core/index.js';
import type { GpuDevice } from './gpu-detect.js';

/** Reads utilisation and memory of the detected GPUs (nothing for declared ones, or without nvidia-smi). */
function queryGpus(): Promise<{ index: number; util: number; used: number }[]> {
  return new Promise((resolve) =>
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,utilization.gpu,memory.used', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (err, out) =>
        resolve(
          err
            ? []
            : out
                .split('\n')
                .map((l) => l.split(',').map((x) => Number(x.trim())))
                .filter((p) => p.length === 3 && p.every(Number.isFinite))
                .map(([index, util, used]) => ({ index: index!, util: util! / 100, used: used! * 2 ** 20 })),
        ),
    ),
  );
}

/** The worker agent's series. @returns the counters the agent feeds. */
export function workerMetrics(
  m: ProcessMetrics,
  gpus: readonly GpuDevice[],
  live: () => { actors: number; headReachable: boolean },
): {
  starts: ReturnType<ProcessMetrics['counter']>;
  exits: ReturnType<ProcessMetrics['counter']>;
} {
  m.gauge('twist_worker_actors', 'Actor processes this worker hosts.', [], (g) => g.set(live().actors));
  m.gauge('twist_worker_head_reachable', '1 while the last heartbeat reached the head.', [], (g) =>
    g.set(live().headReachable ? 1 : 0),
  );
  m.gauge('twist_worker_gpus', 'GPUs this worker offers, by source.', ['source'], (g) => {
    g.set({ source: 'detected' }, gpus.filter((x) => !x.declared).length);
    g.set({ source: 'declared' }, gpus.filter((x) => x.declared).length);
  });
  if (gpus.some((g) => !g.declared)) {
    const util = m.gauge('twist_worker_gpu_utilization_ratio', 'GPU utilisation (nvidia-smi), 0..1.', [
      'gpu',
    ]);
    const mem = m.gauge('twist_worker_gpu_memory_used_bytes', 'GPU memory in use (nvidia-smi).', ['gpu']);
    const refresh = async (): Promise<void> => {
      for (const q of await queryGpus()) {
        util.set({ gpu: String(q.index) }, q.util);
        mem.set({ gpu: String(q.index) }, q.used);
      }
    };
    const t = setInterval(() => void refresh(), 5000);
    t.unref();
    void refresh();
  }
  return {
    starts: m.counter('twist_worker_actor_starts_total', 'Actor process starts, by outcome.', ['outcome']),
    exits: m.counter('twist_worker_actor_exits_total', 'Actor process exits, by how they ended.', ['how']),
  };
}
