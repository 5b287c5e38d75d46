import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AsyncCheckpointSaver,
  beginCheckpoint,
  loadRankSlice,
  loadState,
  openCheckpoint,
  resolveCheckpoint,
  saveCheckpoint,
  verifyCheckpoint,
} from '../../checkpoint/index.js';
import { Random, stateTensor, type StateTensor } from '../../core/index.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'twist-ckpt-'));

/** A state with awkward sizes (odd lengths, scalars, empty) and every dtype, random bits. */
function randomState(seed: number): StateTensor[] {
  const rng = new Random(seed);
  const f32 = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  return [
    stateTensor('backbone.conv1.weight', f32(3 * 3 * 5 * 7), [3, 3, 5, 7], 'HWIO'),
    stateTensor('backbone.bn1.weight', f32(7)),
    stateTensor('backbone.bn1.num_batches_tracked', Int32Array.of(12345), []),
    stateTensor('empty', new Float32Array(0), [0]),
    stateTensor('big', f32(100_003)),
    stateTensor(
      'rng.words',
      Uint32Array.from({ length: 4 }, () => rng.nextUint32()),
    ),
    stateTensor('sampler.state', Float64Array.of(7, 2, 512)),
    stateTensor('odd', f32(1)),
  ];
}

const info = (step: number) => ({ step, epoch: 1, config: { test: true }, meta: { stepInEpoch: 3 } });

test('a state saved by 4 writers loads bitwise at world sizes 1, 2, 3, 4 and 8', async (t) => {
  const root = tmp();
  const state = randomState(1);
  const { dir } = await saveCheckpoint(root, state, { ...info(10), writers: 4 });
  t.is(path.basename(dir), 'step-10');
  t.deepEqual(readdirSync(dir).sort(), [
    'manifest.json',
    'shard-00000-of-00004.bin',
    'shard-00001-of-00004.bin',
    'shard-00002-of-00004.bin',
    'shard-00003-of-00004.bin',
  ]);
  const ck = await openCheckpoint(dir);
  t.is(ck.manifest.worldSize, 4);
  const sizes = ck.manifest.shards.map((s) => s.end - s.start);
  t.true(Math.max(...sizes) - Math.min(...sizes) <= 8, `nearly equal shards: ${sizes.join(', ')}`);
  for (const m of [1, 2, 3, 4, 8]) {
    const rebuilt = new Map(state.map((x) => [x.name, new Uint8Array(x.data.byteLength)]));
    let covered = 0;
    for (let r = 0; r < m; r++) {
      const slice = await loadRankSlice(ck, r, m);
      for (const p of slice.pieces) {
        rebuilt
          .get(p.name)!
          .set(
            slice.bytes.subarray(p.flatOffset - slice.start, p.flatOffset - slice.start + p.bytes),
            p.tensorOffset,
          );
        covered += p.bytes;
      }
    }
    t.is(
      covered,
      state.reduce((n, x) => n + x.data.byteLength, 0),
      `M = ${m}: every byte once`,
    );
    for (const x of state)
      t.deepEqual(
        rebuilt.get(x.name),
        new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength),
        `M = ${m}: ${x.name}`,
      );
  }
  const loaded = await loadState(ck);
  t.deepEqual(
    loaded.map((x) => [x.name, x.dtype, x.shape, x.layout, Array.from(x.data)]),
    state.map((x) => [x.name, x.dtype, x.shape, x.layout, Array.from(x.data)]),
  );
});

test('a flipped byte in a shard is detected and the shard named; resume falls back to the previous checkpoint', async (t) => {
  const root = tmp();
  await saveCheckpoint(root, randomState(2), { ...info(1), writers: 2 });
  await saveCheckpoint(root, randomState(3), { ...info(2), writers: 2 });
  const shard = path.join(root, 'step-2', 'shard-00001-of-00002.bin');
  const bytes = readFileSync(shard);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
  writeFileSync(shard, bytes);
  const err = await t.throwsAsync(verifyCheckpoint(path.join(root, 'step-2')));
  t.regex(err.message, /shard-00001-of-00002\.bin fails its checksum/);
  const resolved = await resolveCheckpoint(root);
  t.is(path.basename(resolved.checkpoint.dir), 'step-1');
  t.regex(resolved.fellBack?.[0]?.reason ?? '', /step-2\/shard-00001-of-00002\.bin fails its checksum/);
  rmSync(path.join(root, 'step-1', 'shard-00000-of-00002.bin'));
  const none = await t.throwsAsync(resolveCheckpoint(root));
  t.regex(none.message, /no valid checkpoint/);
  t.regex(none.message, /step-1\/shard-00000-of-00002\.bin cannot be read/);
});

test('a manifest with a bad field is an error naming the file and the field', async (t) => {
  const root = tmp();
  const { dir } = await saveCheckpoint(root, randomState(4), { ...info(5), writers: 3 });
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as {
    tensors: { shape: number[] }[];
    shards: { end: number }[];
  };
  m.tensors[0]!.shape = [3, 3, 5, 8];
  writeFileSync(file, JSON.stringify(m));
  const e1 = await t.throwsAsync(openCheckpoint(dir));
  t.regex(
    e1.message,
    /manifest\.json: tensors\.0 \(backbone\.conv1\.weight\): 1260 bytes for float32\[3,3,5,8\]/,
  );
  writeFileSync(file, '{"format": "twist-checkpoint", "version": 2}');
  const e2 = await t.throwsAsync(openCheckpoint(dir));
  t.regex(e2.message, /manifest\.json: version/);
});

test('commits keep the newest K checkpoints, replace a step saved again, and sweep stale staging directories', async (t) => {
  const root = tmp();
  const stale = await beginCheckpoint(root, 99);
  for (let s = 1; s <= 5; s++)
    await (
      await saveCheckpoint(root, randomState(s), { ...info(s), keep: 2 })
    ).cleanup;
  t.deepEqual(readdirSync(root).sort(), ['LATEST', 'step-4', 'step-5']);
  t.false(readdirSync(root).includes(path.basename(stale)));
  const again = randomState(9);
  await (
    await saveCheckpoint(root, again, { ...info(5), keep: 2 })
  ).cleanup;
  t.is(readFileSync(path.join(root, 'LATEST'), 'utf8'), 'step-5\n');
  t.deepEqual(readdirSync(root).sort(), ['LATEST', 'step-4', 'step-5']);
  const loaded = await loadState(await verifyCheckpoint(path.join(root, 'step-5')));
  t.deepEqual(loaded.find((x) => x.name === 'big')?.data, again.find((x) => x.name === 'big')?.data);
});

test('the asynchronous saver returns after the host copy, writes on worker threads, and reports a failed save', async (t) => {
  const root = tmp();
  const saver = new AsyncCheckpointSaver(root, { writers: 2 });
  t.teardown(() => saver.close());
  const state = randomState(6);
  const live = state.find((x) => x.name === 'big')!.data as Float32Array;
  const expected = Float32Array.from(live);
  const ticket = await saver.save(state, info(1));
  live.fill(0); // training goes on and overwrites the live buffer: the save holds its own copy
  t.true(ticket.stallSeconds >= 0);
  const dir = await ticket.committed;
  t.is(await saver.flush(), dir);
  t.is(await saver.flush(), undefined, 'nothing left in flight');
  const big = (await loadState(await verifyCheckpoint(dir))).find((x) => x.name === 'big')!;
  t.deepEqual(big.data, expected);
  // A root that is a file cannot hold checkpoints: the background save fails, flush reports it.
  const file = path.join(tmp(), 'not-a-dir');
  writeFileSync(file, 'x');
  const bad = new AsyncCheckpointSaver(file);
  t.teardown(() => bad.close().catch(() => undefined));
  await bad.save(randomState(7), info(1));
  await t.throwsAsync(bad.flush(), { message: /not-a-dir/ });
  await bad.close();
  await saver.close();
  await saver.close(); // idempotent
});
