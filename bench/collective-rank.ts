/**
 * One rank of a collective group in its own process, driven by JSON lines on stdin (used by the
 * all-reduce tests and benchmark). Prints `{"address": "host:port"}` first, then one JSON line per
 * command: `{"ok": cmd, ...}` or `{"error": message, "code": ..., "peer": {...}}`.
 *
 * Commands: `group` {groupId, generation, rank, peers, layoutHash?, timeoutMs?, chunkBytes?, dataPlane?};
 * `allreduce` {lengths, seed, op, out}: random values of (seed, rank, length), results written to
 * `out/r<rank>-n<length>.bin`; `loop` {length}: all-reduce until it fails (prints `started` after
 * the first); `broadcast` {length, root, seed, out}; `allgather` {k, seed, out} (then a barrier);
 * `bench` {bytes, reps, warmup}: times all-reduces after a barrier each; `close`; `exit`.
 */
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CollectiveServer, Communicator, type DataPlane, type ReduceOp } from '../collective/index.js';
import { CollectiveError } from '../core/index.js';
import { rankValues } from './rank-values.js';

const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const server = new CollectiveServer();
let comm: Communicator | undefined;

async function run(m: Record<string, unknown>): Promise<void> {
  switch (m['cmd']) {
    case 'group': {
      comm?.close();
      comm = await Communicator.create({
        groupId: String(m['groupId']),
        generation: Number(m['generation']),
        rank: Number(m['rank']),
        peers: m['peers'] as string[],
        server,
        layoutHash: m['layoutHash'] as string | undefined,
        timeoutMs: m['timeoutMs'] as number | undefined,
        chunkBytes: m['chunkBytes'] as number | undefined,
        dataPlane: m['dataPlane'] as DataPlane | undefined,
      });
      return say({ ok: 'group', rank: comm.rank, worldSize: comm.worldSize, dataPlane: comm.dataPlane });
    }
    case 'allreduce': {
      for (const length of m['lengths'] as number[]) {
        const buf = rankValues(Number(m['seed']), comm!.rank, length);
        await comm!.allReduce(buf, (m['op'] as ReduceOp | undefined) ?? 'sum');
        writeFileSync(path.join(String(m['out']), `r${comm!.rank}-n${length}.bin`), buf);
      }
      return say({ ok: 'allreduce' });
    }
    case 'broadcast': {
      const length = Number(m['length']);
      const root = Number(m['root']);
      const buf =
        comm!.rank === root ? rankValues(Number(m['seed']), root, length) : new Float32Array(length);
      await comm!.broadcast(buf, root);
      writeFileSync(path.join(String(m['out']), `b${comm!.rank}.bin`), buf);
      return say({ ok: 'broadcast' });
    }
    case 'allgather': {
      const mine = rankValues(Number(m['seed']), comm!.rank, Number(m['k']));
      const all = await comm!.allGather(mine);
      writeFileSync(path.join(String(m['out']), `g${comm!.rank}.bin`), all);
      await comm!.barrier();
      return say({ ok: 'allgather' });
    }
    case 'loop': {
      const buf = new Float32Array(Number(m['length']));
      for (let i = 0; ; i++) {
        await comm!.allReduce(buf);
        if (i === 0) say({ started: true });
      }
    }
    case 'bench': {
      const bytes = Number(m['bytes']);
      const buf = new Float32Array(bytes / 4).fill(1);
      const times: number[] = [];
      for (let i = 0; i < Number(m['warmup'] ?? 2) + Number(m['reps']); i++) {
        await comm!.barrier();
        const t0 = performance.now();
        await comm!.allReduce(buf);
        if (i >= Number(m['warmup'] ?? 2)) times.push((performance.now() - t0) / 1000);
      }
      return say({ ok: 'bench', bytes, times });
    }
    case 'close':
      comm?.close();
      comm = undefined;
      return say({ ok: 'close' });
    case 'exit':
      comm?.close();
      await server.close();
      process.exit(0);
  }
}

await server.start();
say({ address: server.address });
const lines = createInterface({ input: process.stdin });
let chain = Promise.resolve();
lines.on('line', (line) => {
  const m = JSON.parse(line) as Record<string, unknown>;
  chain = chain.then(() =>
    run(m).catch((err: unknown) => {
      const e = err as Error & { code?: string; peer?: unknown };
      say({
        error: e.message,
        code: e.code,
        peer: err instanceof CollectiveError ? e.peer : undefined,
        at: Date.now(),
      });
    }),
  );
});
