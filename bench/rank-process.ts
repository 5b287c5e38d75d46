import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RANK = fileURLToPath(new URL('./collective-rank.js', import.meta.url));

/**
 * A rank process speaking JSON lines: `collective-rank.js` (the all-reduce tests and benchmark) by
 * default, or `script` with `args`; its replies as a queue.
 */
export class RankProcess {
  readonly child: ChildProcess;
  address = '';
  private readonly replies: Record<string, unknown>[] = [];
  private waiter: ((r: Record<string, unknown>) => void) | undefined;
  readonly exited: Promise<void>;

  constructor(script = RANK, args: readonly string[] = []) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(r);
      } else this.replies.push(r);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Starts `n` rank processes and waits for their addresses. */
  static async start(n: number): Promise<RankProcess[]> {
    const ranks = Array.from({ length: n }, () => new RankProcess());
    for (const r of ranks) r.address = String((await r.reply(30_000))['address']);
    return ranks;
  }

  send(cmd: unknown): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  /** The next reply line. @throws when none comes within `timeoutMs`. */
  reply(timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = (x) => {
        clearTimeout(timer);
        resolve(x);
      };
    });
  }

  /** Sends `cmd` and waits for its reply. */
  async call(cmd: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    this.send(cmd);
    return this.reply(timeoutMs);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Forms group `groupId`/`generation` over `ranks`; returns every rank's reply. */
export function formGroup(
  ranks: RankProcess[],
  groupId: string,
  generation: number,
  extra: (rank: number) => Record<string, unknown> = () => ({}),
): Promise<Record<string, unknown>[]> {
  const peers = ranks.map((r) => r.address);
  return Promise.all(
    ranks.map((r, rank) => r.call({ cmd: 'group', groupId, generation, rank, peers, ...extra(rank) })),
  );
}
