import test from 'ava';
import { InvalidArgumentError } from '../../core/index.js';
import { CollectiveThread, nativeRingStatus, resolveDataPlane } from '../../collective/index.js';

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
