import test from 'ava';
import { ClusterClient, type ClusterStatus } from '../../client/index.js';
import { TestCluster, waitFor } from '../helpers/cluster-processes.js';
import { runCli } from '../helpers/run-cli.js';

const cluster = new TestCluster();
let client: ClusterClient;
let cpuNode = '';
let gpuNode = '';

test.before(async () => {
  await cluster.startHead();
  const w0 = await cluster.startWorker(['--gpus', '0', '--cpus', '2', '--labels', 'zone=a']);
  const w2 = await cluster.startWorker(['--gpus', '2', '--cpus', '2', '--labels', 'zone=b']);
  cpuNode = String(w0.info['nodeId']);
  gpuNode = String(w2.info['nodeId']);
  client = await ClusterClient.connect({
    head: cluster.address,
    token: cluster.token,
    jobName: 'scheduling-test',
  });
});

test.after.always(async () => {
  await client?.close();
  await cluster.close();
});

test.serial('head and two workers come up; twist status --json shows both with declared GPUs', async (t) => {
  const r = await runCli(['status', '--head', cluster.address, '--token-file', cluster.tokenFile, '--json']);
  t.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as ClusterStatus;
  t.is(s.nodes.length, 2);
  for (const n of s.nodes) t.is(n.state, 'ALIVE');
  const gpu = s.nodes.find((n) => n.id === gpuNode)!;
  t.is(gpu.resources.total['GPU'], 2);
  t.deepEqual(
    gpu.gpus.map((g) => g.declared),
    [true, true],
  );
  t.is(s.nodes.find((n) => n.id === cpuNode)!.resources.total['GPU'], undefined);
  t.deepEqual(Object.keys(s).sort(), [
    'actors',
    'headInstance',
    'jobs',
    'nodes',
    'pending',
    'placementGroups',
    'unauthenticatedTotal',
  ]);
  const human = await runCli(['status', '--head', cluster.address, '--token-file', cluster.tokenFile]);
  t.regex(human.stdout, /Nodes: 2 alive, 0 dead/);
  t.regex(human.stdout, /declared, not detected/);
});

test.serial('an actor asking for 1 GPU lands on the GPU worker with CUDA_VISIBLE_DEVICES set', async (t) => {
  const a = await client.createActor('echo', { tag: 'gpu' }, { resources: { GPU: 1 } });
  const info = await a.ready(30_000);
  t.is(info.nodeId, gpuNode);
  const who = await a.call<{ cudaVisibleDevices: string; gpuIds: number[]; tag: string }>('whoami');
  t.is(who.tag, 'gpu');
  t.deepEqual(who.gpuIds, info.gpuIds);
  t.is(who.cudaVisibleDevices, info.gpuIds.join(','));
  t.is(info.gpuIds.length, 1);
  // A second one gets the other GPU; a third waits (pending demand) until one is freed.
  const b = await client.createActor('echo', null, { resources: { GPU: 1 } });
  const bInfo = await b.ready(30_000);
  t.not(bInfo.gpuIds[0], info.gpuIds[0]);
  const c = await client.createActor('echo', null, { resources: { GPU: 1 } });
  const pending = await waitFor(
    async () => (await client.status()).pending.find((p) => p.id === c.id),
    5000,
    'pending',
  );
  t.is(pending.kind, 'actor');
  await a.kill();
  const cInfo = await c.ready(30_000);
  t.deepEqual(cInfo.gpuIds, info.gpuIds);
  await b.kill();
  await c.kill();
});

test.serial('requests that can never fit are refused at once (infeasible)', async (t) => {
  const e = await t.throwsAsync(client.createActor('echo', null, { resources: { GPU: 3 } }));
  t.is((e as { code?: string }).code, 'INFEASIBLE');
  t.regex(e!.message, /GPU: 3/);
  const l = await t.throwsAsync(client.createActor('echo', null, { labelSelector: { zone: 'mars' } }));
  t.is((l as { code?: string }).code, 'INFEASIBLE');
  const p = await t.throwsAsync(client.createPlacementGroup([{ CPU: 3 }, { CPU: 3 }], 'STRICT_PACK'));
  t.is((p as { code?: string }).code, 'INFEASIBLE');
});

test.serial('a STRICT_SPREAD group of 2 bundles lands on two nodes; one of 3 waits', async (t) => {
  const id = await client.createPlacementGroup([{ CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD');
  const g = await client.placementGroup(id, 10_000);
  t.is(g.state, 'CREATED');
  t.is(new Set(g.bundleNodes).size, 2);
  // Actors in each bundle run on that bundle's node.
  const a0 = await client.createActor('echo', null, {
    resources: { CPU: 1 },
    placementGroup: id,
    bundleIndex: 0,
  });
  const a1 = await client.createActor('echo', null, {
    resources: { CPU: 1 },
    placementGroup: id,
    bundleIndex: 1,
  });
  t.is((await a0.ready(30_000)).nodeId, g.bundleNodes[0]!);
  t.is((await a1.ready(30_000)).nodeId, g.bundleNodes[1]!);
  const three = await client.createPlacementGroup([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD');
  const w = await t.throwsAsync(client.placementGroup(three, 500));
  t.is((w as { code?: string }).code, 'GET_TIMEOUT');
  const s = await client.status();
  t.truthy(s.pending.find((p) => p.id === three && p.kind === 'placement_group'));
  t.is(s.placementGroups.find((x) => x.id === three)!.state, 'PENDING');
  await client.removePlacementGroup(three);
  await client.removePlacementGroup(id);
  const dead = await client.actorInfo(a0.id);
  t.is(dead.state, 'DEAD');
  t.regex(dead.deathCause, /placement group/);
});

test.serial('PACK and SPREAD', async (t) => {
  const packed = await Promise.all(
    [0, 1].map(() => client.createActor('echo', null, { resources: { CPU: 0.5 } })),
  );
  const pNodes = await Promise.all(packed.map(async (a) => (await a.ready(30_000)).nodeId));
  t.is(pNodes[0], pNodes[1]);
  for (const a of packed) await a.kill();
  const spread = await Promise.all(
    [0, 1].map(() => client.createActor('echo', null, { strategy: 'SPREAD' })),
  );
  const sNodes = await Promise.all(spread.map(async (a) => (await a.ready(30_000)).nodeId));
  t.not(sNodes[0], sNodes[1]);
  for (const a of spread) await a.kill();
});

test.serial('calls from one handle run in order; big payloads stream; errors keep their type', async (t) => {
  const counter = await client.createActor('counter', 0);
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => counter.call<number>('add', i)));
  t.deepEqual(
    await counter.call('order'),
    Array.from({ length: 300 }, (_, i) => i),
  );
  t.is(results[299], (299 * 300) / 2);
  const echo = await client.createActor('echo');
  const big = await echo.call<Float32Array>('bytes', 3_000_000); // 12 MB: 12 chunks each way
  t.is(big.length, 3_000_000);
  t.is(big[2_999_999], 2_999_999);
  t.is(await echo.call('sum', big), (2_999_999 * 3_000_000) / 2);
  const e = await t.throwsAsync(echo.call('fail', 'boom'));
  t.is((e as { code?: string }).code, 'INVALID_ARGUMENT');
  t.regex(e!.message, /boom/);
  const m = await t.throwsAsync(echo.call('constructor'));
  t.regex(m!.message, /not a method of actor class echo/);
  const d = await t.throwsAsync(echo.call('sleep', 5000, { timeoutMs: 200 }));
  t.is((d as { code?: string }).code, 'GET_TIMEOUT');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const c = await t.throwsAsync(echo.call('sleep', 5000, { signal: ac.signal }));
  t.is((c as { code?: string }).code, 'CANCELLED');
});

test.serial('an unknown actor class dies with the reason; its calls fail with ActorDiedError', async (t) => {
  const a = await client.createActor('no-such-class');
  const e = await t.throwsAsync(a.ready(30_000));
  t.is((e as { code?: string }).code, 'ACTOR_DIED');
  t.regex(e!.message, /unknown actor class 'no-such-class'/);
  const c = await t.throwsAsync(a.call('echo', 1));
  t.is((c as { code?: string }).code, 'ACTOR_DIED');
});
