import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterClient, type ActorHandle } from '../../client/index.js';
import { createLogger, IoError, InvalidArgumentError } from '../../core/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import {
  canHandOffTo,
  SCRATCH_PREFIX,
  ScratchDirs,
  takeBatch,
  takeHandoff,
  writeHandoff,
  type LoaderBatchRequest,
  type LoaderReply,
} from '../../worker/index.js';
import { TestCluster, waitFor } from '../helpers/cluster-processes.js';

const log = createLogger({ component: 'test' });
log.level = 'silent';

/** A scratch root for this file (a plain directory stands in for the tmpfs). */
const root = mkdtempSync(path.join(os.tmpdir(), 'twist-shm-'));
/** A scratch directory as a worker names it, for this test process. */
const scratch = (name: string): string => {
  const dir = path.join(root, `${SCRATCH_PREFIX}${process.pid}-${name}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};
/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

test.after.always(() => rmSync(root, { recursive: true, force: true }));

test('a handoff file holds the arrays bitwise and is deleted once taken', (t) => {
  const dir = scratch('roundtrip');
  const a = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3);
  const b = new Float32Array([NaN, -0, Infinity, 3.5]);
  const file = writeHandoff(dir, 'batch', [a, b.subarray(1)]);
  t.deepEqual(readdirSync(dir), ['batch']);
  const [a2, b2] = takeHandoff(file, [1000, 3]);
  t.deepEqual(Buffer.from(a2!.buffer), Buffer.from(a.buffer));
  t.deepEqual(Buffer.from(b2!.buffer), Buffer.from(b.buffer, 4));
  t.false(existsSync(file));
});

test('a handoff file of the wrong size is an IoError naming both sizes, and is deleted', (t) => {
  const dir = scratch('size');
  const file = writeHandoff(dir, 'batch', [new Float32Array(10)]);
  const err = t.throws(() => takeHandoff(file, [10, 1]), { instanceOf: IoError });
  t.regex(err.message, /holds 40 bytes; expected 44 \(10 \+ 1 floats\)/);
  t.false(existsSync(file));
  t.throws(() => takeHandoff(file, [10]), { instanceOf: IoError, message: /cannot be read/ });
});

test('a handoff that cannot be written is an IoError and leaves no partial file', (t) => {
  const dir = scratch('gone');
  rmSync(dir, { recursive: true });
  t.throws(() => writeHandoff(dir, 'batch', [new Float32Array(4)]), {
    instanceOf: IoError,
    message: /handoff file .*batch not written/,
  });
  const full = scratch('full');
  mkdirSync(path.join(full, 'batch')); // the rename's target is a directory: it fails
  t.throws(() => writeHandoff(full, 'batch', [new Float32Array(4)]), { instanceOf: IoError });
  t.deepEqual(readdirSync(full), ['batch'], 'no .part left behind');
});

test("only a worker's scratch directory, seen from here, takes handoffs", (t) => {
  t.true(canHandOffTo(scratch('seen')));
  t.false(canHandOffTo(root), 'not named as a scratch directory');
  t.false(canHandOffTo(os.tmpdir()));
  t.false(canHandOffTo(path.join(root, `${SCRATCH_PREFIX}1-elsewhere-0`)), 'on another host');
  t.false(canHandOffTo(`${SCRATCH_PREFIX}${process.pid}-relative`), 'relative');
  const file = path.join(scratch('a-file'), `${SCRATCH_PREFIX}file`);
  writeFileSync(file, '');
  t.false(canHandOffTo(file), 'not a directory');
});

test("a reply naming a file outside the caller's scratch directory is refused, and nothing is deleted", (t) => {
  const mine = scratch('mine');
  const other = scratch('other');
  const file = writeHandoff(other, 'batch', [new Float32Array(4)]);
  const reply: LoaderReply = {
    epoch: 0,
    stepInEpoch: 0,
    indices: new Int32Array(1),
    augmentSeconds: 0,
    handoff: { file, shapes: [[1, 1, 2, 2]] },
  };
  t.throws(() => takeBatch(reply, mine), {
    instanceOf: InvalidArgumentError,
    message: /not in this process's scratch/,
  });
  t.throws(() => takeBatch(reply, undefined), { instanceOf: InvalidArgumentError });
  t.true(existsSync(file));
  t.deepEqual(takeBatch(reply, other).views[0]!.shape, [1, 1, 2, 2]);
});

test("scratch directories: '' or an unusable root gives none; one per incarnation; a dead worker's are swept at open", (t) => {
  t.is(ScratchDirs.open('', log), undefined);
  t.is(ScratchDirs.open(path.join(root, 'missing'), log), undefined);
  const sweepRoot = path.join(root, 'sweep');
  mkdirSync(sweepRoot);
  const dead = path.join(sweepRoot, `${SCRATCH_PREFIX}${deadPid()}-loader-0`);
  const live = path.join(sweepRoot, `${SCRATCH_PREFIX}${process.ppid}-loader-0`);
  const other = path.join(sweepRoot, 'not-ours');
  for (const d of [dead, live, other]) mkdirSync(path.join(d, 'sub'), { recursive: true });
  const dirs = ScratchDirs.open(sweepRoot, log)!;
  t.truthy(dirs);
  t.false(existsSync(dead), "a dead worker's directory is removed");
  t.true(existsSync(live) && existsSync(other), "a live worker's and a foreign directory are kept");
  const a = dirs.create('actor-1', 1)!;
  t.is(path.basename(a), `${SCRATCH_PREFIX}${process.pid}-actor-1-1`);
  writeFileSync(path.join(a, 'x'), 'x');
  t.not(dirs.create('actor-1', 2), a);
  dirs.remove(a);
  t.false(existsSync(a));
});

// A real worker with its scratch root in this file's directory, and a loader on it.
const shm = path.join(root, 'worker-shm');
mkdirSync(shm);
const cluster = new TestCluster();
let client: ClusterClient;
let loader: ActorHandle;
const config = { dataPath: FASHION_MNIST_DIR, batchSize: 32, epochs: 1, width: 4, seed: 5 };

test.before(async () => {
  await cluster.startHead();
  await cluster.startWorker(['--cpus', '2', '--shm-dir', shm]);
  client = await ClusterClient.connect({
    head: cluster.address,
    token: cluster.token,
    jobName: 'handoff-test',
  });
  loader = await client.createActor('loader', { config, rank: 1, worldSize: 2 });
  await loader.ready(120_000);
});

test.after.always(async () => {
  await client?.close();
  await cluster.close();
});

test.serial(
  'a loader serves any slice [offset, offset + count) of a step, and refuses one outside the global batch',
  async (t) => {
    const step = { epoch: 0, stepInEpoch: 3 };
    // Rank 1's equal share is images [16, 32) of the step: slices 16–21 and 22–31 make it up.
    const whole = takeBatch(await loader.call<LoaderReply>('batch', step), undefined);
    const a = takeBatch(
      await loader.call<LoaderReply>('batch', { ...step, offset: 16, count: 6 }),
      undefined,
    );
    const b = takeBatch(
      await loader.call<LoaderReply>('batch', { ...step, offset: 22, count: 10 }),
      undefined,
    );
    t.deepEqual([...a.indices, ...b.indices], [...whole.indices]);
    t.deepEqual(
      a.views.map((v) => v.shape[0]),
      whole.views.map(() => 6),
    );
    // The views of an image do not depend on the slice it came in.
    const first = whole.views[0]!;
    const per = first.data.length / first.shape[0];
    t.deepEqual([...a.views[0]!.data], [...first.data.subarray(0, 6 * per)]);
    for (const bad of [
      { offset: 30, count: 3 },
      { offset: -1, count: 2 },
      { offset: 0, count: 0 },
    ])
      await t.throwsAsync(loader.call('batch', { ...step, ...bad }), {
        message: /not within a global batch of 32/,
      });
  },
);

test.serial(
  'a loader hands a batch to a scratch directory it sees: the same views, bitwise, as over gRPC; elsewhere it answers inline',
  async (t) => {
    const req: LoaderBatchRequest = { epoch: 1, stepInEpoch: 3 };
    const inline = await loader.call<LoaderReply>('batch', req);
    t.true('views' in inline);
    const dir = scratch('trainer');
    const handed = await loader.call<LoaderReply>('batch', { ...req, handoffDir: dir });
    t.true('handoff' in handed, 'the loader wrote a handoff file');
    t.is(readdirSync(dir).length, 1);
    const a = takeBatch(inline, dir);
    const b = takeBatch(handed, dir);
    t.deepEqual(readdirSync(dir), [], 'taking it deletes it');
    t.deepEqual(b.indices, a.indices);
    t.is(b.views.length, 2);
    for (const [i, v] of b.views.entries()) {
      t.deepEqual(v.shape, a.views[i]!.shape);
      t.deepEqual(
        Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength),
        Buffer.from(a.views[i]!.data.buffer, a.views[i]!.data.byteOffset, a.views[i]!.data.byteLength),
      );
    }
    for (const elsewhere of [os.tmpdir(), path.join(root, `${SCRATCH_PREFIX}1-remote-0`), 'relative']) {
      const r = await loader.call<LoaderReply>('batch', { ...req, handoffDir: elsewhere });
      t.true('views' in r, `inline for ${elsewhere}`);
    }
  },
);

test.serial("an actor's scratch directory lives as long as its process, SIGKILL included", async (t) => {
  const st = await client.status();
  const info = st.actors.find((a) => a.id === loader.id)!;
  const worker = cluster.workers[0]!;
  const mine = readdirSync(shm).filter((n) =>
    n.startsWith(`${SCRATCH_PREFIX}${worker.child.pid}-${info.id}-`),
  );
  t.is(mine.length, 1, "the loader's scratch directory exists while it runs");
  const dir = path.join(shm, mine[0]!);
  process.kill(info.pid, 'SIGKILL');
  await waitFor(() => (existsSync(dir) ? undefined : true), 10_000, 'the scratch directory removed');
  t.pass();
});

test.serial(
  'a worker whose --shm-dir cannot be used starts, and its warning names the directory',
  async (t) => {
    const w = await cluster.startWorker(['--cpus', '1', '--shm-dir', path.join(root, 'no-such-dir')]);
    await waitFor(
      () => (w.stderr().includes('no scratch directories') ? true : undefined),
      10_000,
      'the warning',
    );
    t.regex(w.stderr(), /no-such-dir/);
  },
);
