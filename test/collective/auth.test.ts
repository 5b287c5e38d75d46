import test from 'ava';
import { CollectiveServer, Communicator } from '../../collective/index.js';

test('with a cluster token, a neighbour carrying the wrong token is refused; the right one forms the ring', async (t) => {
  const servers = [0, 1].map(() => new CollectiveServer('127.0.0.1', 2000, { token: 'secret' }));
  t.teardown(() => Promise.all(servers.map((s) => s.close())));
  const peers = await Promise.all(servers.map((s) => s.start()));
  const group = (gen: number, tokens: string[]): Promise<Communicator>[] =>
    [0, 1].map((rank) =>
      Communicator.create({
        groupId: 'auth',
        generation: gen,
        rank,
        peers,
        server: servers[rank]!,
        token: tokens[rank]!,
        connectTimeoutMs: 3000,
      }),
    );
  const bad = await Promise.allSettled(group(1, ['secret', 'wrong']));
  t.true(bad.some((r) => r.status === 'rejected'));
  const rejected = bad.find((r) => r.status === 'rejected')!;
  t.regex(String(rejected.reason), /token|UNAUTHENTICATED|no stream/i);
  for (const r of bad) if (r.status === 'fulfilled') r.value.close();
  const good = await Promise.all(group(2, ['secret', 'secret']));
  const bufs = [new Float32Array([1, 2]), new Float32Array([3, 4])];
  await Promise.all(good.map((c, i) => c.allReduce(bufs[i]!, 'sum')));
  t.deepEqual([...bufs[0]!], [4, 6]);
  good.forEach((c) => c.close());
});
