import test from 'ava';
import { ClusterClient } from '../../client/index.js';
import { pidAlive, TestCluster, waitFor } from '../helpers/cluster-processes.js';

test('SIGKILL and restart of the head: tables reloaded, workers re-register, actors keep running', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  const port = Number(cluster.address.split(':').pop());
  const w1 = await cluster.startWorker(['--heartbeat-ms', '200']);
  const w2 = await cluster.startWorker(['--heartbeat-ms', '200', '--gpus', '1']);
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  t.teardown(() => client.close());
  const a = await client.createActor('counter', 10, { name: 'survivor' });
  const g = await client.createActor('echo', null, { resources: { GPU: 1 } });
  const pg = await client.createPlacementGroup([{ CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD');
  const [ai, gi] = await Promise.all([a.ready(30_000), g.ready(30_000), client.placementGroup(pg, 10_000)]);
  t.is(await a.call('add', 5), 15);
  const before = await client.status();

  cluster.kill(cluster.head!);
  await cluster.head!.exited;
  // The actor keeps serving its callers while the head is down (calls go straight to it).
  t.is(await a.call('add', 1), 16);
  await cluster.startHead(undefined, port);
  t.is(cluster.address.split(':').pop(), String(port));

  const after = await waitFor(
    async () => {
      const s = await client.status().catch(() => undefined);
      return s && s.headInstance !== before.headInstance && s.nodes.every((n) => n.state === 'ALIVE')
        ? s
        : undefined;
    },
    15_000,
    'the restarted head to see both workers',
  );
  // Same node ids (re-registered, not new nodes), same actors, same group, same job.
  t.deepEqual(after.nodes.map((n) => n.id).sort(), [w1.info['nodeId'], w2.info['nodeId']].map(String).sort());
  const reloaded = after.actors.find((x) => x.id === a.id)!;
  t.is(reloaded.state, 'ALIVE');
  t.is(reloaded.pid, ai.pid);
  t.is(reloaded.name, 'survivor');
  t.deepEqual(after.actors.find((x) => x.id === g.id)!.gpuIds, gi.gpuIds);
  t.is(after.placementGroups.find((x) => x.id === pg)!.state, 'CREATED');
  t.is(after.jobs.find((j) => j.id === client.jobId)!.state, 'RUNNING');
  // Resources accounted as before: the GPU is still taken.
  const gpuNode = after.nodes.find((n) => n.id === String(w2.info['nodeId']))!;
  t.is(gpuNode.resources.available['GPU'], 0);
  t.is(await a.call('add', 1), 17);
  // The restarted head still schedules.
  const b = await client.createActor('echo');
  t.is((await b.ready(30_000)).state, 'ALIVE');
});

test('a worker whose head stays away past the grace kills its actors', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  await cluster.startWorker(['--heartbeat-ms', '100', '--head-grace-ms', '800']);
  const client = await ClusterClient.connect({
    head: cluster.address,
    token: cluster.token,
    verdictWaitMs: 500,
  });
  t.teardown(() => client.close());
  const a = await client.createActor('echo');
  const info = await a.ready(30_000);
  cluster.kill(cluster.head!);
  await waitFor(() => (pidAlive(info.pid) ? undefined : true), 10_000, 'the actor to be killed');
  t.pass();
});
