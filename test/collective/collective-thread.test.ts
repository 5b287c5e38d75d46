import test from 'ava';
import { Worker } from 'node:worker_threads';
import { CollectiveError, InvalidArgumentError } from '../../core/index.js';
import { CollectiveThread, nativeRingStatus, resolveDataPlane } from '../../collective/index.js';
import { threadSleeps } from '../helpers/thread-sleeps.js';

const threads: CollectiveThread[] = [];
test.after.always(() => Promise.all(threads.map((t) => t.close())));

// The default data plane is the native one where its addon is built (CI builds it), else `tcp`.
const plane = nativeRingStatus().available ? 'native' : 'tcp';

test('TLS counts when files are named: an empty TlsFiles (a cluster without TLS) keeps the default plane', (t) => {
  t.is(resolveDataPlane({}), plane);
  t.is(resolveDataPlane({ tls: {} }), plane);
  t.is(resolveDataPlane({ tls: { cert: undefined, key: undefined, ca: undefined } }), plane);
  t.is(resolveDataPlane({ tls: { cert: 'c.pem', key: 'k.pem', ca: 'ca.pem' } }), 'tcp');
  if (plane === 'native')
    t.throws(
      () => resolveDataPlane({ dataPlane: 'native', tls: { cert: 'c.pem', key: 'k.pem', ca: 'ca.pem' } }),
      {
        instanceOf: InvalidArgumentError,
        message: /carries no TLS/,
      },
    );
});

test('collective threads handed a token and no TLS files (as actors are) join on the default plane and sum', async (t) => {
  const opts = { token: 'secret', tls: {} };
  const [a, b] = await Promise.all([CollectiveThread.start(opts), CollectiveThread.start(opts)]);
  threads.push(a, b);
  t.is(a.dataPlane, undefined);
  const peers = [a.address, b.address];
  await Promise.all([
    a.join({ groupId: 'g', generation: 1, rank: 0, peers }),
    b.join({ groupId: 'g', generation: 1, rank: 1, peers }),
  ]);
  t.is(a.dataPlane, plane);
  t.is(b.dataPlane, plane);
  const x = new Float32Array([1, 2, 3]);
  const y = new Float32Array([10, 20, 30]);
  await Promise.all([a.allReduce(x, 'sum'), b.allReduce(y, 'sum')]);
  t.deepEqual([...x], [11, 22, 33]);
  t.deepEqual([...y], [11, 22, 33]);
});

/** Two collective threads of this process in a ring of two (generation 1). */
async function pair(groupId: string): Promise<[CollectiveThread, CollectiveThread]> {
  const [a, b] = await Promise.all([CollectiveThread.start(), CollectiveThread.start()]);
  threads.push(a, b);
  const peers = [a.address, b.address];
  await Promise.all([
    a.join({ groupId, generation: 1, rank: 0, peers }),
    b.join({ groupId, generation: 1, rank: 1, peers }),
  ]);
  return [a, b];
}

/** Polls `ready` (which must never block) until it is true, for at most 10 s. */
async function eventually(ready: () => boolean): Promise<boolean> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (ready()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

// Two halves need no second thread to wait on: both ranks start, then both wait (one process).
if (plane === 'native') {
  test('a started sum is sent at once and summed by wait; ready says, without blocking, when the other part is here', async (t) => {
    const [a, b] = await pair('split');
    const pa = a.startSum(Float32Array.of(1, 2, 3));
    t.false(pa.ready(), 'rank 1 has sent nothing yet');
    const pb = b.startSum(Float32Array.of(10, 20, 30));
    t.true(await eventually(() => pa.ready()));
    t.true(await eventually(() => pb.ready()));
    t.deepEqual([...pa.wait()], [11, 22, 33]);
    t.deepEqual([...pb.wait()], [11, 22, 33]);
    t.throws(() => pa.wait(), { instanceOf: InvalidArgumentError, message: /once/ });
    // The link is given back: the ring's other operations go on, in order.
    const x = Float32Array.of(1, 1);
    const y = Float32Array.of(2, 4);
    await Promise.all([a.allReduce(x, 'sum'), b.allReduce(y, 'sum')]);
    t.deepEqual([...x], [3, 5]);
    const qa = a.startSum(Float32Array.of(0.5));
    const qb = b.startSum(Float32Array.of(0.25));
    t.deepEqual([...qb.wait()], [0.75]);
    t.deepEqual([...qa.wait()], [0.75]);
    t.true(a.blocked.sums >= 2);
  });

  test('a started sum must be waited for before the next sum; its neighbour closing fails it; closing with one started does not hang', async (t) => {
    const [a, b] = await pair('split-close');
    const pb = b.startSum(Float32Array.of(1));
    t.throws(() => b.startSum(Float32Array.of(2)), { instanceOf: InvalidArgumentError, message: /wait/ });
    t.throws(() => b.sum(Float32Array.of(2)), { instanceOf: InvalidArgumentError, message: /wait/ });
    await a.close();
    t.throws(() => pb.wait(), { instanceOf: CollectiveError, message: /rank 0/ });
    const [c, d] = await pair('split-close-2');
    c.startSum(Float32Array.of(1));
    await c.close();
    t.throws(() => d.startSum(Float32Array.of(1)).wait(), { instanceOf: CollectiveError });
  });
}

test('a spin time that is not a number of ms within the timeout is refused, naming it', async (t) => {
  for (const spinMs of [-1, Number.NaN, 70_000])
    await t.throwsAsync(CollectiveThread.start({ spinMs }), {
      instanceOf: InvalidArgumentError,
      message: new RegExp(
        `collective thread: spinMs must be a number of ms in \\[0, 60000\\].*got ${spinMs}`,
      ),
    });
});

// A blocking sum waits for a rank that comes late (a worker thread). Within its spin time its thread
// polls without sleeping (yielding the CPU between polls, so how much CPU it gets depends on the
// load, but it never sleeps); past it, it sleeps in poll. The kernel's count of the thread's
// voluntary switches tells the two apart whatever else runs; wall time is never compared.
if (plane === 'native')
  test('a blocking sum polls without sleeping for its spin time, then sleeps; the sum is the same', async (t) => {
    const sleepsWaiting = async (spinMs: number, delayMs: number): Promise<number> => {
      const a = await CollectiveThread.start({ spinMs });
      threads.push(a);
      const peer = new Worker(new URL('../helpers/late-rank.js', import.meta.url));
      t.teardown(() => peer.terminate());
      const next = (): Promise<Record<string, unknown>> => new Promise((r) => peer.once('message', r));
      const { address } = (await next()) as { address: string };
      const peers = [a.address, address];
      const joined = next();
      peer.postMessage({ peers });
      await Promise.all([a.join({ groupId: 'spin', generation: 1, rank: 0, peers }), joined]);
      const theirs = next();
      peer.postMessage({ sum: [10, 20, 30], delayMs });
      const before = threadSleeps();
      const ours = a.sum(Float32Array.of(1, 2, 3));
      const sleeps = threadSleeps() - before;
      t.deepEqual([...ours], [11, 22, 33]);
      t.deepEqual((await theirs)['sum'], [11, 22, 33]);
      return sleeps;
    };
    t.is(await sleepsWaiting(10_000, 300), 0, 'the other rank came within the spin time: no sleep');
    t.true((await sleepsWaiting(100, 600)) >= 1, 'the spin time ran out: the thread slept');
    t.true((await sleepsWaiting(0, 300)) >= 1, 'no spin time: the thread slept');
  });
