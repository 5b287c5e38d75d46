import type { HealthCheckConfig } from './head-config.js';

/**
 * Probes each watched node on its own timer: first after `initialDelayMs`, then every `periodMs`,
 * each probe bounded by `timeoutMs`; `failureThreshold` failures in a row call `onDead` once (with
 * the last failure's message) and stop watching. A success resets the count.
 */
export class HealthChecker {
  private readonly watched = new Map<
    string,
    { timer: NodeJS.Timeout; failures: number; gen: number; suspect?: boolean }
  >();
  private gen = 0;
  private closed = false;

  constructor(
    private readonly cfg: HealthCheckConfig,
    private readonly probe: (nodeId: string, timeoutMs: number) => Promise<void>,
    private readonly onDead: (nodeId: string, reason: string) => void,
  ) {}

  /** Starts (or restarts, with a fresh count) watching a node. */
  watch(nodeId: string, initialDelayMs = this.cfg.initialDelayMs): void {
    if (this.closed) return;
    this.unwatch(nodeId);
    const gen = ++this.gen;
    const entry = { timer: setTimeout(() => void this.tick(nodeId, gen), initialDelayMs), failures: 0, gen };
    this.watched.set(nodeId, entry);
  }

  /**
   * Probes a node now, and while its probes fail, again after 50 ms instead of `periodMs`: a node
   * that refused a connection is declared dead in `failureThreshold` quick probes, or cleared by
   * the first one that succeeds.
   */
  suspect(nodeId: string): void {
    const e = this.watched.get(nodeId);
    if (!e || e.suspect || this.closed) return;
    e.suspect = true;
    clearTimeout(e.timer);
    e.timer = setTimeout(() => void this.tick(nodeId, e.gen), 0);
  }

  /** Stops watching a node (idempotent). */
  unwatch(nodeId: string): void {
    const e = this.watched.get(nodeId);
    if (e) clearTimeout(e.timer);
    this.watched.delete(nodeId);
  }

  /** Nodes being watched. */
  get size(): number {
    return this.watched.size;
  }

  /** Stops every timer; idempotent. */
  close(): void {
    this.closed = true;
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  private async tick(nodeId: string, gen: number): Promise<void> {
    type Entry = { timer: NodeJS.Timeout; failures: number; gen: number; suspect?: boolean };
    const current = (): Entry | undefined => {
      const x = this.watched.get(nodeId);
      return x && x.gen === gen ? x : undefined;
    };
    const e = current();
    if (!e) return;
    let failure: string | undefined;
    try {
      await this.probe(nodeId, this.cfg.timeoutMs);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    const now = current();
    if (!now || this.closed) return;
    if (failure === undefined) {
      now.failures = 0;
      now.suspect = false;
    } else if (++now.failures >= this.cfg.failureThreshold) {
      this.unwatch(nodeId);
      this.onDead(nodeId, `${now.failures} health checks failed in a row, the last: ${failure}`);
      return;
    }
    now.timer = setTimeout(
      () => void this.tick(nodeId, gen),
      now.suspect ? Math.min(50, this.cfg.periodMs) : this.cfg.periodMs,
    );
  }
}
