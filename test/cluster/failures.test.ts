import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterClient } from '../../client/index.js';
import { pidAlive, TestCluster, waitFor } from '../helpers/cluster-processes.js';

const DRIVER = fileURLToPath(new URL('../helpers/driver-process.js', import.meta.url));

/** The bound the test's health settings promise: 3 failed checks 200 ms apart, 500 ms deadline each. */
const DETECTION_BOUND_MS = 200 + 3 * (200 + 500);

test('SIGKILL of a worker: detected within the bound, its actors DEAD with the cause, a maxRestarts 1 actor comes back elsewhere', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  const w1 = await cluster.startWorker();
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  t.teardown(() => client.close());
  const once = await client.createActor('echo', { tag: 'once' });
  const again = await client.createActor('echo', { tag: 'again' }, { maxRestarts: 1 });
  const [i1, i2] = await Promise.all([once.ready(30_000), again.ready(30_000)]);
  t.is(i1.nodeId, String(w1.info['nodeId']));
  t.is(i2.nodeId, String(w1.info['nodeId']));
  const w2 = await cluster.startWorker();

  const inFlight = once.call('sleep', 60_000).then(
    () => undefined,
    (e: unknown) => ({ err: e as Error & { code?: string }, at: Date.now() }),
  );
  await sleep(200);
  const killedAt = Date.now();
  cluster.kill(w1);

  // The call in flight fails with ActorDiedError once the head has decided (no hang).
  const failed = await inFlight;
  t.truthy(failed);
  t.is(failed!.err.code, 'ACTOR_DIED');
  t.regex(failed!.err.message, /died/);

  const dead = await waitFor(
    async () => {
      const s = await client.status();
      const n = s.nodes.find((x) => x.id === w1.info['nodeId']);
      return n?.state === 'DEAD' ? { s, at: Date.now() } : undefined;
    },
    10_000,
    'the killed node to be DEAD',
  );
  const detectMs = dead.at - killedAt;
  t.log(`node death detected ${detectMs} ms after SIGKILL (bound ${DETECTION_BOUND_MS} ms + polling)`);
  t.true(detectMs <= DETECTION_BOUND_MS + 500, `detected after ${detectMs} ms`);
  const onceInfo = dead.s.actors.find((a) => a.id === once.id)!;
  t.is(onceInfo.state, 'DEAD');
  t.regex(
    onceInfo.deathCause,
    new RegExp(`node ${String(w1.info['nodeId'])} .* died: 3 health checks failed`),
  );

  // The actor with a restart left comes back on the other worker (constructor re-run).
  const back = await again.ready(30_000);
  t.is(back.state, 'ALIVE');
  t.is(back.nodeId, String(w2.info['nodeId']));
  t.is(back.restarts, 1);
  t.is(back.incarnation, 1);
  const who = await again.call<{ tag: string; incarnation: number; pid: number }>('whoami');
  t.is(who.tag, 'again');
  t.is(who.incarnation, 1);
  t.not(who.pid, i2.pid);

  // No orphan: the killed worker's actor processes exited with it.
  await waitFor(() => (!pidAlive(i1.pid) && !pidAlive(i2.pid) ? true : undefined), 5000, 'orphans to exit');
  const n = await client.actorInfo(once.id);
  t.is(n.state, 'DEAD');
  const later = await t.throwsAsync(once.call('echo', 1));
  t.is((later as { code?: string }).code, 'ACTOR_DIED');
});

test('an actor process that exits is reported: restarted when it may, else DEAD with its exit code', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead();
  await cluster.startWorker();
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  t.teardown(() => client.close());
  const a = await client.createActor('echo', null, { maxRestarts: 1 });
  const first = await a.ready(30_000);
  await a.call('exit', 3);
  const second = await client.actorInfo(a.id, 30_000, 0);
  t.is(second.state, 'ALIVE');
  t.is(second.incarnation, 1);
  t.not(second.pid, first.pid);
  t.regex(second.deathCause, /exited with code 3/);
  await a.call('exit', 4);
  const third = await client.actorInfo(a.id, 30_000, 1);
  t.is(third.state, 'DEAD');
  t.regex(third.deathCause, /exited with code 4/);
  const e = await t.throwsAsync(a.call('echo', 1));
  t.is((e as { code?: string }).code, 'ACTOR_DIED');
  // A call in flight when the process dies with a restart left fails as unavailable, not retried.
  const b = await client.createActor('echo', null, { maxRestarts: 1 });
  const bi = await b.ready(30_000);
  const flight = b.call('sleep', 30_000);
  await sleep(200);
  process.kill(bi.pid, 'SIGKILL');
  const u = await t.throwsAsync(flight);
  t.is((u as { code?: string }).code, 'ACTOR_UNAVAILABLE');
  t.is(await b.call('echo', 7), 7);
});

test('a driver killed with SIGKILL: its job fails after the heartbeat timeout, its actors are killed; detached ones live on', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  await cluster.startHead(['--job-heartbeat-timeout-ms', '600']);
  await cluster.startWorker();
  const driver = spawn(process.execPath, [DRIVER, cluster.address, cluster.tokenFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => driver.kill('SIGKILL'));
  const line = await new Promise<string>((resolve) => {
    let out = '';
    driver.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
  });
  const ids = JSON.parse(line) as { owned: string; detached: string; jobId: string };
  driver.kill('SIGKILL');
  const observer = await ClusterClient.connect({ head: cluster.address, token: cluster.token, job: false });
  t.teardown(() => observer.close());
  const owned = await observer.actorInfo(ids.owned, 10_000, 1 << 30);
  t.is(owned.state, 'DEAD');
  const job = (await observer.status()).jobs.find((j) => j.id === ids.jobId)!;
  t.is(job.state, 'FAILED');
  t.is((await observer.actorInfo(ids.detached)).state, 'ALIVE');
  t.is(await observer.actor(ids.detached).call('echo', 'still here'), 'still here');
});

test('a start refused by a dead worker the health checks have not caught yet: the node is probed at once and declared dead, nothing more is sent there', async (t) => {
  const cluster = new TestCluster();
  t.teardown(() => cluster.close());
  // Slow periodic checks: left alone they would take ≈ 15 s to find the dead worker.
  await cluster.startHead([
    '--health-initial-delay-ms',
    '5000',
    '--health-period-ms',
    '5000',
    '--health-timeout-ms',
    '1000',
    '--health-failure-threshold',
    '3',
  ]);
  const doomed = await cluster.startWorker(['--labels', 'zone=a']);
  const other = await cluster.startWorker(['--labels', 'zone=b']);
  const client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  t.teardown(() => client.close());
  cluster.kill(doomed);
  await doomed.exited;
  const t0 = Date.now();
  // Only the dead worker has zone=a: the start goes there and is refused.
  const sent = await client.createActor('echo', null, { labelSelector: { zone: 'a' } });
  const refused = await sent.ready(30_000).then(
    () => undefined,
    (e: Error) => e,
  );
  t.truthy(refused, 'the start on the dead worker failed');
  t.regex(refused!.message, /could not start on node|dead/);
  const dead = await waitFor(
    async () =>
      (await client.status()).nodes.find((n) => n.id === String(doomed.info['nodeId']) && n.state === 'DEAD'),
    10_000,
    'the dead worker to be declared dead',
  );
  const took = Date.now() - t0;
  t.log(`declared dead ${took} ms after the first start (periodic checks alone: ≈ 15 s); ${dead.deathCause}`);
  t.true(took < 5000, `took ${took} ms`);
  t.regex(dead.deathCause, /health checks failed/);
  // The cluster goes on with the other worker.
  const later = await client.createActor('echo');
  t.is((await later.ready(30_000)).nodeId, String(other.info['nodeId']));
});
