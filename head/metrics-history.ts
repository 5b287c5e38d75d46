import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClusterSnapshot } from './cluster-manager.js';
import { EVENT_LOOP_SAMPLE_MS } from '../core/index.js';

/** A bounded time series: the newest `capacity` points (time in ms, value). */
export class RingSeries {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private start = 0;
  private size = 0;

  constructor(readonly capacity = 1800) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(timeMs: number, value: number): void {
    const i = (this.start + this.size) % this.capacity;
    this.t[i] = timeMs;
    this.v[i] = value;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.size;
  }

  /** Points after `sinceMs` (all by default), oldest first: [times (s), values]. */
  points(sinceMs = -Infinity): [number[], number[]] {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % this.capacity;
      if (this.t[i]! <= sinceMs) continue;
      ts.push(this.t[i]! / 1000);
      vs.push(this.v[i]!);
    }
    return [ts, vs];
  }
}

/**
 * The head's own history of its series, so the dashboard has charts without Prometheus: sampled
 * every `periodMs` from `sample()`, each series a bounded ring buffer.
 */
export class MetricsHistory {
  private readonly series = new Map<string, RingSeries>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sample: () => Record<string, number>,
    private readonly periodMs = 2000,
    private readonly capacity = 1800,
    /** Called by `stop` (the sampler's own resources). */
    private readonly onStop?: () => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.record();
    this.timer = setInterval(() => this.record(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.onStop?.();
  }

  /** Adds a point from elsewhere (a trainer's report). */
  push(name: string, timeMs: number, value: number): void {
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = new RingSeries(this.capacity)));
    s.push(timeMs, value);
  }

  /** Every series' points after `sinceMs`. */
  snapshot(sinceMs = -Infinity): Record<string, [number[], number[]]> {
    return Object.fromEntries([...this.series].map(([k, s]) => [k, s.points(sinceMs)]));
  }

  private record(): void {
    const now = Date.now();
    for (const [k, v] of Object.entries(this.sample())) if (Number.isFinite(v)) this.push(k, now, v);
  }
}

/**
 * The head's history: nodes and actors by state, pending demand, Cluster RPCs per second (from
 * `rpcTotal`, a running count) and its own event-loop delay p99 per period; runs add their series
 * with {@link MetricsHistory.push}.
 */
export function headHistory(snapshot: () => ClusterSnapshot, rpcTotal: () => number): MetricsHistory {
  const lag = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  lag.enable();
  let last = { rpcs: rpcTotal(), at: Date.now() };
  return new MetricsHistory(
    () => {
      const s = snapshot();
      const now = { rpcs: rpcTotal(), at: Date.now() };
      const rate = ((now.rpcs - last.rpcs) * 1000) / Math.max(1, now.at - last.at);
      last = now;
      const p99 = lag.percentile(99) / 1e6;
      lag.reset();
      const actors = (state: string): number => s.actors.filter((a) => a.state === state).length;
      return {
        nodes_alive: s.nodes.filter((n) => n.state === 'ALIVE').length,
        actors_alive: actors('ALIVE'),
        actors_pending: actors('PENDING'),
        actors_restarting: actors('RESTARTING'),
        pending_demand: s.pending.length,
        rpc_per_s: rate,
        head_event_loop_lag_ms: p99,
      };
    },
    2000,
    1800,
    () => lag.disable(),
  );
}
