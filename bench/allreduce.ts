import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DATA_PLANES } from '../collective/index.js';
import { RankProcess, formGroup } from './rank-process.js';
import { anchorPython, anchorsDir } from './anchor.js';
import { median } from './stats.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const reps = args.int('reps', 5);
  const sizes = args.positives('sizes', [1, 4, 16, 44, 64]).map((s) => Math.round(s * 2 ** 20));
  // Undefined: the communicator's default (native where its addon is built).
  const asked = args.has('data-plane') ? args.choice('data-plane', DATA_PLANES, 'native') : undefined;
  const chunk = args.has('chunk-kib') ? { chunkBytes: args.int('chunk-kib', 1024) * 1024 } : {};
  const anchors = anchorsDir();
  const tcp = execFileSync(process.execPath, [`${anchors}/loopback_tcp.js`], { encoding: 'utf8' });
  const tcpGBps = Number(/GBps=([\d.]+)/.exec(tcp)?.[1]);
  emit({ bench: 'allreduce', what: 'loopback_tcp', GBps: tcpGBps });
  const h2 = execFileSync(
    process.execPath,
    [fileURLToPath(new URL('./http2-throughput.js', import.meta.url))],
    { encoding: 'utf8' },
  );
  emit({
    bench: 'allreduce',
    what: 'loopback_http2_one_way',
    GBps: (JSON.parse(h2) as { GBps: number }).GBps,
  });
  const ours = new Map<string, { busbw: number; busbw0: number }>();
  for (const n of [2, 4]) {
    const ranks = await RankProcess.start(n);
    try {
      const group = await formGroup(ranks, `bench-${n}`, 1, () => ({
        ...(asked ? { dataPlane: asked } : {}),
        ...chunk,
      }));
      const dataPlane = group[0]!['dataPlane'];
      for (const bytes of sizes) {
        const replies = await Promise.all(ranks.map((r) => r.call({ cmd: 'bench', bytes, reps }, 600_000)));
        const times = replies.map((r) => r['times'] as number[]);
        // The operation's time is the slowest rank's, repetition by repetition.
        const t = median(times[0]!.map((_, i) => Math.max(...times.map((x) => x[i]!))));
        const algbw = bytes / t / 1e9;
        const busbw = (algbw * 2 * (n - 1)) / n;
        // The anchor's own definition: rank 0's median time.
        const t0 = median(times[0]!);
        const busbw0 = (bytes / t0 / 1e9) * ((2 * (n - 1)) / n);
        ours.set(`${n}/${bytes}`, { busbw, busbw0 });
        emit({
          n,
          bytes,
          data_plane: dataPlane,
          seconds: t,
          algbw_GBps: algbw,
          busbw_GBps: busbw,
          busbw_vs_tcp: busbw / tcpGBps,
          rank0_seconds: t0,
          rank0_busbw_GBps: busbw0,
        });
      }
    } finally {
      ranks.forEach((r) => r.kill());
    }
  }
  if (args.has('no-anchor')) return;
  for (const n of [2, 4]) {
    const out = execFileSync(anchorPython(), [`${anchors}/gloo_allreduce.py`, String(n)], {
      encoding: 'utf8',
    });
    for (const line of out.split('\n')) {
      const m = /world=(\d+) bytes=(\d+) time_ms=([\d.]+) algbw_GBps=([\d.]+) busbw_GBps=([\d.]+)/.exec(line);
      if (!m) continue;
      const bytes = Number(m[2]);
      const gloo = Number(m[5]);
      const mine = ours.get(`${n}/${bytes}`);
      emit({
        anchor: 'gloo',
        n,
        bytes,
        seconds: Number(m[3]) / 1000,
        algbw_GBps: Number(m[4]),
        busbw_GBps: gloo,
        // Ours by the slowest rank per repetition (stricter), and by rank 0's median as the anchor does.
        ours_busbw_GBps: mine?.busbw,
        ratio: mine === undefined ? undefined : mine.busbw / gloo,
        ours_rank0_busbw_GBps: mine?.busbw0,
        ratio_rank0: mine === undefined ? undefined : mine.busbw0 / gloo,
      });
    }
  }
}

/**
 * `npm run bench -- allreduce [--reps N] [--sizes MiB,MiB,...] [--data-plane native|tcp|grpc] [--chunk-kib K] [--no-anchor]`:
 * the nccl-tests table
 * for N = 2 and 4 rank processes on loopback (median time per size, algbw, busbw = algbw × 2(N−1)/N),
 * the raw loopback TCP rate between two processes (the limit), the one-way HTTP/2 rate (the ceiling
 * of any gRPC stream), and PyTorch Gloo's ring all-reduce on
 * the same sizes in the same sitting, with the ratio per size.
 */
export const allreduceBench: Bench = {
  flags: ['reps', 'sizes', 'data-plane', 'chunk-kib', 'no-anchor'],
  run,
};
