import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ClusterClient } from '../client/index.js';
import { createLogger } from '../core/index.js';
import { Head } from '../head/index.js';
import { WorkerAgent } from '../worker/index.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

const quantile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};
const round = (x: number, d = 2): number => Number(x.toFixed(d));

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const nActors = args.int('actors', 20);
  const nCalls = args.int('calls', 20_000);
  const window = args.int('window', 256);
  const nNodes = args.int('nodes', 1000);
  const seconds = args.positive('seconds', 20);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-bench-cp-'));
  const log = createLogger({ component: 'bench' });
  log.level = 'warn';
  try {
    // (1) and (2): an in-process head and worker (the actors are real processes).
    {
      const head = await Head.start({ port: 0, dashboardPort: 0, stateDir: path.join(dir, 'a') }, log);
      const worker = await WorkerAgent.start({ head: head.address, token: head.token, gpus: 0 }, log);
      await worker.registeredOnce();
      const client = await ClusterClient.connect({ head: head.address, token: head.token });
      const total: number[] = [];
      const proc: number[] = [];
      const ctor: number[] = [];
      for (let i = 0; i < nActors; i++) {
        const t0 = performance.now();
        const h = await client.createActor('echo');
        const info = await h.ready(60_000);
        total.push(performance.now() - t0);
        proc.push(info.processStartMs);
        ctor.push(info.constructorMs);
        if (i < nActors - 1) await h.kill();
      }
      const overhead = total.map((t, i) => t - proc[i]!);
      emit({
        bench: 'control-plane',
        case: 'actor-create-to-ready',
        actors: nActors,
        excluding_process_start_p50_ms: round(quantile(overhead, 0.5)),
        excluding_process_start_p99_ms: round(quantile(overhead, 0.99)),
        constructor_and_bind_p50_ms: round(quantile(ctor, 0.5)),
        process_start_p50_ms: round(quantile(proc, 0.5)),
        process_start_p99_ms: round(quantile(proc, 0.99)),
        total_p50_ms: round(quantile(total, 0.5)),
        total_p99_ms: round(quantile(total, 0.99)),
      });
      const h = await client.createActor('echo');
      await h.ready(60_000);
      for (let i = 0; i < 500; i++) await h.call('echo', i); // warm-up
      const lat: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t0 = performance.now();
        await h.call('echo', i);
        lat.push(performance.now() - t0);
      }
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: window }, async () => {
          while (next < nCalls) await h.call('echo', next++);
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      emit({
        bench: 'control-plane',
        case: 'actor-calls-one-handle',
        calls: nCalls,
        in_flight: window,
        calls_per_s: Math.round(nCalls / secs),
        target_calls_per_s: 10_000,
        sequential_p50_ms: round(quantile(lat, 0.5), 3),
        sequential_p99_ms: round(quantile(lat, 0.99), 3),
      });
      await client.close();
      await worker.close();
      await head.close();
    }
    // (3) a head with many simulated workers.
    {
      const head = await Head.start(
        { port: 0, dashboardPort: 0, stateDir: path.join(dir, 'b'), host: '0.0.0.0' },
        log,
      );
      const headAddr = `127.0.0.1:${head.address.split(':').pop()}`;
      const sim = spawn(
        process.execPath,
        [
          fileURLToPath(new URL('./simulated-workers.js', import.meta.url)),
          headAddr,
          head.token,
          String(nNodes),
          '1000',
          String(seconds),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const lines: Record<string, unknown>[] = [];
      let buf = '';
      const waiters: (() => void)[] = [];
      sim.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
          buf = buf.slice(nl + 1);
          waiters.splice(0).forEach((w) => w());
        }
      });
      const line = async (event: string): Promise<Record<string, unknown>> => {
        for (;;) {
          const l = lines.find((x) => x['event'] === event);
          if (l) return l;
          await new Promise<void>((r) => waiters.push(r));
        }
      };
      const t0 = performance.now();
      await line('registered');
      const registerS = (performance.now() - t0) / 1000;
      // Let the health checks of every node start, then measure the steady state.
      await new Promise((r) => setTimeout(r, 3000));
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const memSamples: number[] = [];
      const m = setInterval(() => memSamples.push(process.memoryUsage().rss), 500);
      const done = await line('done');
      h.disable();
      clearInterval(m);
      const snap = head.manager.snapshot();
      emit({
        bench: 'control-plane',
        case: 'head-with-simulated-workers',
        nodes: nNodes,
        alive: snap.nodes.filter((n) => n.state === 'ALIVE').length,
        register_all_s: round(registerS),
        heartbeat_period_ms: 1000,
        health_check_period_ms: head.config.health.periodMs,
        event_loop_delay_p50_ms: round(h.percentile(50) / 1e6),
        event_loop_delay_p99_ms: round(h.percentile(99) / 1e6),
        event_loop_delay_max_ms: round(h.max / 1e6),
        target_p99_ms: 50,
        head_rss_mib: round(Math.max(...memSamples) / 2 ** 20, 1),
        head_heap_used_mib: round(process.memoryUsage().heapUsed / 2 ** 20, 1),
        heartbeats: done['heartbeats'],
        heartbeat_failures: done['failures'],
        heartbeat_p50_ms: round(Number(done['p50_ms'])),
        heartbeat_p99_ms: round(Number(done['p99_ms'])),
      });
      await head.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench -- control-plane [--actors N] [--calls N] [--window N] [--nodes N] [--seconds S]`:
 * (1) actor create-to-ready p50/p99 with process start reported apart; (2) small actor calls per
 * second through one handle (pipelined, `window` in flight) and one-at-a-time latency; (3) a head
 * with `nodes` simulated workers (one other process) heartbeating every second, and health-checked
 * by the head every second: the head's event-loop delay p99 and memory.
 */
export const controlPlaneBench: Bench = {
  flags: ['actors', 'calls', 'window', 'nodes', 'seconds'],
  run,
};
