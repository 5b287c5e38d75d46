import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rankValues } from '../../bench/rank-values.js';
import { BucketLayout, nativeRingStatus, type DataPlane } from '../../collective/index.js';
import { formGroup, RankProcess } from '../../bench/rank-process.js';

const all: RankProcess[] = [];
test.after.always(() => all.forEach((r) => r.kill()));

async function start(n: number): Promise<RankProcess[]> {
  const ranks = await RankProcess.start(n);
  all.push(...ranks);
  return ranks;
}

// The default data plane is the native one where its addon is built (CI builds it), else `tcp`.
const plane = nativeRingStatus().available ? 'native' : 'tcp';
const cases: [number, DataPlane][] = [
  [1, plane],
  [2, plane],
  [3, plane],
  [4, plane],
  [5, plane],
  ...(plane === 'native' ? [[3, 'tcp'] as [number, DataPlane]] : []),
  [3, 'grpc'],
];
for (const [n, dataPlane] of cases) {
  test(`all-reduce over ${n} processes (${dataPlane} data plane) equals the float64 sum within float32 rounding, identical on every rank`, async (t) => {
    const ranks = await start(n);
    const replies = await formGroup(ranks, `sum-${n}-${dataPlane}`, 1, () => ({
      chunkBytes: 64 * 1024,
      dataPlane,
    }));
    t.true(
      replies.every((r) => r['ok'] === 'group' && r['dataPlane'] === dataPlane),
      JSON.stringify(replies),
    );
    const out = mkdtempSync(path.join(os.tmpdir(), 'twist-ar-'));
    const lengths = [0, 1, n - 1, 1_000_007];
    const done = await Promise.all(
      ranks.map((r) => r.call({ cmd: 'allreduce', lengths, seed: n, out }, 120_000)),
    );
    t.true(
      done.every((r) => r['ok'] === 'allreduce'),
      JSON.stringify(done),
    );
    for (const length of lengths) {
      const results = ranks.map((_, rank) => readFileSync(path.join(out, `r${rank}-n${length}.bin`)));
      for (const r of results.slice(1))
        t.true(r.equals(results[0]!), `length ${length}: bitwise identical on every rank`);
      const got = new Float32Array(Uint8Array.from(results[0]!).buffer);
      const inputs = ranks.map((_, rank) => rankValues(n, rank, length));
      let worst = 0;
      for (let i = 0; i < length; i++) {
        let sum = 0;
        let abs = 0;
        for (const x of inputs) {
          sum += x[i]!;
          abs += Math.abs(x[i]!);
        }
        // n float32 additions, each off by at most half an ulp of a partial sum ≤ Σ|x|.
        const bound = n * 2 ** -24 * abs + 1e-30;
        worst = Math.max(worst, Math.abs(got[i]! - sum) / bound);
      }
      t.true(worst <= 1, `length ${length}: error ${worst} × the float32 rounding bound`);
    }
    ranks.forEach((r) => r.send({ cmd: 'exit' }));
    await Promise.all(ranks.map((r) => r.exited));
  });
}

(nativeRingStatus().available ? test : test.skip)(
  'native and TypeScript data planes share one wire format: a ring mixing them sums identically on every rank',
  async (t) => {
    const ranks = await start(3);
    const planes: DataPlane[] = ['native', 'tcp', 'native'];
    const replies = await formGroup(ranks, 'mixed', 1, (rank) => ({
      dataPlane: planes[rank],
      chunkBytes: 64 * 1024,
    }));
    t.deepEqual(
      replies.map((r) => r['dataPlane']),
      planes,
    );
    const out = mkdtempSync(path.join(os.tmpdir(), 'twist-ar-'));
    await Promise.all(ranks.map((r) => r.call({ cmd: 'allreduce', lengths: [300_001], seed: 4, out })));
    const results = ranks.map((_, rank) => readFileSync(path.join(out, `r${rank}-n300001.bin`)));
    t.true(results.every((r) => r.equals(results[0]!)));
    const got = new Float32Array(Uint8Array.from(results[0]!).buffer);
    const inputs = ranks.map((_, rank) => rankValues(4, rank, 300_001));
    t.true(got.every((v, i) => Math.abs(v - inputs.reduce((a, x) => a + x[i]!, 0)) < 1e-4));
  },
);

test('ranks that call an operation with other lengths all fail at once, naming the mismatch', async (t) => {
  const ranks = await start(3);
  // A watchdog far beyond the test's run time: a rank that learnt of the failure only from it would
  // say `no data from … for 60000 ms` (and take a minute). The others learn from the link's end.
  const watchdogMs = 60_000;
  await formGroup(ranks, 'lengths', 1, () => ({ timeoutMs: watchdogMs }));
  const out = mkdtempSync(path.join(os.tmpdir(), 'twist-ar-'));
  const t0 = Date.now();
  const replies = await Promise.all(
    ranks.map((r, rank) =>
      r.call({ cmd: 'allreduce', lengths: [rank === 1 ? 5000 : 4000], seed: 1, out }, 2 * watchdogMs),
    ),
  );
  for (const r of replies) t.is(r['code'], 'COLLECTIVE_FAILED', JSON.stringify(r));
  t.true(
    replies.some((r) => /another order or with other lengths/.test(String(r['error']))),
    JSON.stringify(replies),
  );
  for (const r of replies)
    t.notRegex(String(r['error']), /no data from|could not send/, 'not by the watchdog');
  const took = Date.now() - t0;
  t.log(`${took} ms:\n${replies.map((r) => r['error']).join('\n')}`);
  t.true(took < watchdogMs / 2, `long before the watchdog: took ${took} ms`);
});

test('mean and max reduce too', async (t) => {
  const ranks = await start(3);
  await formGroup(ranks, 'ops', 1);
  const out = mkdtempSync(path.join(os.tmpdir(), 'twist-ar-'));
  for (const op of ['mean', 'max'] as const) {
    await Promise.all(ranks.map((r) => r.call({ cmd: 'allreduce', lengths: [1001], seed: 9, out, op })));
    const got = new Float32Array(Uint8Array.from(readFileSync(path.join(out, 'r1-n1001.bin'))).buffer);
    const inputs = [0, 1, 2].map((rank) => rankValues(9, rank, 1001));
    for (let i = 0; i < 1001; i++) {
      const xs = inputs.map((x) => x[i]!);
      const want = op === 'max' ? Math.max(...xs) : xs.reduce((a, b) => a + b, 0) / 3;
      if (Math.abs(got[i]! - want) > 1e-6 * (1 + Math.abs(want)))
        return t.fail(`${op}[${i}] = ${got[i]}, want ${want}`);
    }
  }
  t.pass();
});

test("broadcast copies the root's buffer to every rank; all-gather collects every rank's values in rank order", async (t) => {
  const ranks = await start(3);
  await formGroup(ranks, 'bcast', 1, () => ({ chunkBytes: 4096 }));
  const out = mkdtempSync(path.join(os.tmpdir(), 'twist-bc-'));
  const read = (f: string): Float32Array =>
    new Float32Array(Uint8Array.from(readFileSync(path.join(out, f))).buffer);
  await Promise.all(ranks.map((r) => r.call({ cmd: 'broadcast', length: 10_001, root: 1, seed: 4, out })));
  const want = rankValues(4, 1, 10_001);
  for (const rank of [0, 1, 2]) t.deepEqual(read(`b${rank}.bin`), want, `rank ${rank}`);
  await Promise.all(ranks.map((r) => r.call({ cmd: 'allgather', k: 5, seed: 6, out })));
  const gathered = new Float32Array([0, 1, 2].flatMap((rank) => Array.from(rankValues(6, rank, 5))));
  for (const rank of [0, 1, 2]) t.deepEqual(read(`g${rank}.bin`), gathered, `rank ${rank}`);
});

test('ranks whose bucket layouts differ are refused at group creation, with the layout named', async (t) => {
  const ranks = await start(2);
  const a = new BucketLayout([
    { name: 'w', offset: 0, size: 10 },
    { name: 'b', offset: 10, size: 2 },
  ]);
  const b = new BucketLayout([{ name: 'w', offset: 0, size: 12 }]);
  const replies = await formGroup(ranks, 'layouts', 1, (rank) => ({
    layoutHash: rank === 0 ? a.hash : b.hash,
    timeoutMs: 5000,
  }));
  for (const r of replies) {
    t.is(r['code'], 'COLLECTIVE_FAILED', JSON.stringify(r));
    t.regex(String(r['error']), /bucket layout of rank \d \([0-9a-f]{12}\) differs from rank \d's/);
  }
});

test('a rank killed with SIGKILL mid-operation makes every other rank fail within the bound; a new generation works', async (t) => {
  const ranks = await start(4);
  await formGroup(ranks, 'kill', 1, () => ({ timeoutMs: 10_000 }));
  ranks.forEach((r) => r.send({ cmd: 'loop', length: 4_000_000 }));
  await Promise.all(ranks.map((r) => r.reply()));
  const victim = ranks[2]!;
  const killedAt = Date.now();
  victim.kill();
  const survivors = ranks.filter((r) => r !== victim);
  const errors = await Promise.all(survivors.map((r) => r.reply(30_000)));
  for (const e of errors) {
    t.is(e['code'], 'COLLECTIVE_FAILED', JSON.stringify(e));
    const ms = Number(e['at']) - killedAt;
    t.true(ms < 10_000, `failed after ${ms} ms (bound: the 10 s watchdog; a closed connection is faster)`);
    t.log(`${String(e['error'])} — after ${ms} ms`);
  }
  t.true(
    errors.some((e) => (e['peer'] as { rank?: number } | undefined)?.rank === 2),
    'a neighbour names the dead rank',
  );
  const replies = await formGroup(survivors, 'kill', 2);
  t.true(
    replies.every((r) => r['ok'] === 'group'),
    JSON.stringify(replies),
  );
  const out = mkdtempSync(path.join(os.tmpdir(), 'twist-ar-'));
  const done = await Promise.all(
    survivors.map((r) => r.call({ cmd: 'allreduce', lengths: [5000], seed: 3, out })),
  );
  t.true(
    done.every((r) => r['ok'] === 'allreduce'),
    JSON.stringify(done),
  );
});
