import test from 'ava';
import { ClusterClient } from '../../client/index.js';
import { pidAlive, TestCluster, waitFor } from '../helpers/cluster-processes.js';
import { runCli } from '../helpers/run-cli.js';

test('SIGTERM on a worker stops its actors and exits cleanly; the head records why', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  const w = await cluster.startWorker();
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  t.teardown(() => client.close());
  const a = await client.createActor('echo');
  const info = await a.ready(30_000);
  w.child.kill('SIGTERM');
  t.deepEqual(await w.exited, { code: 0, signal: null });
  t.false(pidAlive(info.pid));
  const dead = await client.actorInfo(a.id, 10_000, 1 << 30);
  t.is(dead.state, 'DEAD');
  t.regex(dead.deathCause, /exited with code 0|died/);
});

test('twist stop: every worker and the head exit, actors first', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  const w1 = await cluster.startWorker();
  const w2 = await cluster.startWorker();
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  const actors = await Promise.all(
    [0, 1, 2].map(() => client.createActor('echo', null, { strategy: 'SPREAD' })),
  );
  const pids = await Promise.all(actors.map(async (a) => (await a.ready(30_000)).pid));
  await client.close();
  const r = await runCli(['stop', '--head', cluster.address, '--token-file', cluster.tokenFile]);
  t.is(r.code, 0, r.stderr);
  const exits = await Promise.all([cluster.head!.exited, w1.exited, w2.exited]);
  for (const e of exits) t.deepEqual(e, { code: 0, signal: null });
  await waitFor(() => (pids.every((p) => !pidAlive(p)) ? true : undefined), 5000, 'actors to exit');
  t.pass();
});
