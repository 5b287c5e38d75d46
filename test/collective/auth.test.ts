import test from 'ava';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CollectiveServer, Communicator, TICKET_BYTES } from '../../collective/index.js';
import { makeTestCerts } from '../helpers/tls-certs.js';

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

test('the TCP data plane: a socket with a wrong ticket is closed and changes nothing; under mutual TLS the ring runs on TLS sockets', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-tls-'));
  const tls = makeTestCerts(dir);
  const servers = [0, 1].map(() => new CollectiveServer('127.0.0.1', 2000, { token: 'secret', tls }));
  t.teardown(() => Promise.all(servers.map((s) => s.close())));
  const peers = await Promise.all(servers.map((s) => s.start()));
  // A stranger on the data port: refused (closed) after its bytes, whatever it sends.
  const closed = await new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: servers[0]!.dataPort }, () =>
      s.write(Buffer.alloc(TICKET_BYTES, 7)),
    );
    s.on('error', () => undefined);
    s.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 5000).unref();
  });
  t.true(closed, 'a wrong ticket is hung up on');
  const comms = await Promise.all(
    [0, 1].map((rank) =>
      Communicator.create({
        groupId: 'tls',
        generation: 1,
        rank,
        peers,
        server: servers[rank]!,
        token: 'secret',
        tls,
      }),
    ),
  );
  const n = 300_001;
  const bufs = [0, 1].map((r) => Float32Array.from({ length: n }, (_, i) => (i % 97) * (r + 1)));
  await Promise.all(comms.map((c, i) => c.allReduce(bufs[i]!, 'sum')));
  for (const b of bufs) t.true(b.every((v, i) => v === (i % 97) * 3));
  t.true(comms[0]!.traffic.sentBytes > 0);
  comms.forEach((c) => c.close());
});
