import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import { makeTestCerts } from '../helpers/tls-certs.js';
import { ClusterClient } from '../../client/index.js';
import { clientArgs } from '../../core/index.js';
import {
  loadProto,
  type ClusterClient as ClusterStub,
  type ClusterProto,
  type HealthProto,
} from '../../proto/index.js';
import { TestCluster } from '../helpers/cluster-processes.js';
import { runCli } from '../helpers/run-cli.js';

const cluster = new TestCluster();
let stub: ClusterStub;

test.before(async () => {
  await cluster.startHead();
  await cluster.startWorker();
  const [creds, options] = clientArgs({ token: cluster.token, maxMessageBytes: 64 << 20 });
  stub = new (loadProto<ClusterProto>('cluster').twist.v1.Cluster)(cluster.address, creds, options);
});

test.after.always(async () => {
  stub?.close();
  await cluster.close();
});

/** A raw unary call with whatever request (as a misbehaving peer would send). */
function raw(
  method: Extract<keyof ClusterStub, string>,
  req: unknown,
): Promise<grpc.ServiceError | undefined> {
  return new Promise((resolve) => {
    (
      stub[method] as unknown as (
        r: unknown,
        o: grpc.CallOptions,
        cb: (e: grpc.ServiceError | null) => void,
      ) => void
    )(req, { deadline: Date.now() + 10_000 }, (err) => resolve(err ?? undefined));
  });
}

const actorReq = (over: Record<string, unknown>): Record<string, unknown> => ({
  className: 'echo',
  resources: {},
  bundleIndex: -1,
  ...over,
});

test.serial('a wrong or missing token is UNAUTHENTICATED and counted', async (t) => {
  const bad = await t.throwsAsync(ClusterClient.connect({ head: cluster.address, token: 'not-the-token' }));
  t.is((bad as { code?: string }).code, 'UNAUTHENTICATED');
  const r = await runCli(['status', '--head', cluster.address, '--json'], { TWIST_TOKEN: 'wrong' });
  t.is(r.code, 2);
  t.regex(r.stderr, /wrong cluster token \[UNAUTHENTICATED\]/);
  const ok = await ClusterClient.connect({ head: cluster.address, token: cluster.token, job: false });
  t.true((await ok.status()).unauthenticatedTotal >= 2);
  await ok.close();
  // Workers' services check it too.
  const s = await ClusterClient.connect({ head: cluster.address, token: cluster.token, job: false });
  const node = (await s.status()).nodes[0]!;
  await s.close();
  const healthProto = loadProto<HealthProto>('health');
  const [creds, options] = clientArgs({ token: 'wrong' });
  const h = new healthProto.grpc.health.v1.Health(node.address, creds, options);
  const err = await new Promise<grpc.ServiceError | null>((resolve) =>
    h.Check({ service: '' }, { deadline: Date.now() + 5000 }, (e) => resolve(e)),
  );
  h.close();
  t.is(err?.code, grpc.status.UNAUTHENTICATED);
});

test.serial('malformed requests are INVALID_ARGUMENT naming the field; the head keeps serving', async (t) => {
  const cases: [Extract<keyof ClusterStub, string>, unknown, RegExp][] = [
    ['CreateActor', actorReq({ resources: { CPU: -1 } }), /resources\.CPU: must not be negative/],
    ['CreateActor', actorReq({ resources: { CPU: Number.NaN } }), /resources\.CPU/],
    ['CreateActor', actorReq({ resources: { GPU: 0.5 } }), /resources\.GPU: GPUs are whole devices/],
    ['CreateActor', actorReq({ resources: { 'bad name!': 1 } }), /resources/],
    ['CreateActor', actorReq({ className: '../../etc/passwd' }), /class_name: not an actor class name/],
    ['CreateActor', actorReq({ strategy: 'EVERYWHERE' }), /strategy/],
    ['CreateActor', actorReq({ jobId: 'job-xyz' }), /job_id: not a job id/],
    ['CreateActor', actorReq({ args: Buffer.alloc(5 << 20) }), /args: larger than 4194304 bytes/],
    ['CreateActor', actorReq({ name: 'n'.repeat(1000) }), /name: longer than 128 characters/],
    [
      'CreateActor',
      actorReq({ labelSelector: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])) }),
      /label_selector: more than 64 labels/,
    ],
    ['RegisterNode', { address: 'no port here', resources: { CPU: 1 } }, /address: not host:port/],
    ['RegisterNode', { address: '127.0.0.1:1', resources: { CPU: Infinity } }, /resources\.CPU/],
    [
      'RegisterNode',
      { address: '127.0.0.1:1', resources: {}, gpus: [{ index: 0 }, { index: 0 }] },
      /gpus: GPU indices repeat/,
    ],
    ['Heartbeat', { nodeId: "'; DROP TABLE nodes; --" }, /node_id: not a node id/],
    ['CreatePlacementGroup', { bundles: [] }, /bundles: at least one bundle/],
    ['CreatePlacementGroup', { bundles: [{ resources: { CPU: 1 } }], strategy: 'NEAR' }, /strategy/],
    ['GetActor', { actorId: 'actor-0000000000000000', waitReadyMs: 1e9 }, /wait_ready_ms/],
    ['ReportActorExit', { nodeId: 'node-1', actorId: 'actor-0000000000000000' }, /node_id: not a node id/],
  ];
  for (const [method, req, re] of cases) {
    const err = await raw(method, req);
    t.is(err?.code, grpc.status.INVALID_ARGUMENT, `${method} ${JSON.stringify(req).slice(0, 80)}`);
    t.regex(err?.details ?? '', re, method);
  }
  // Oversized: a request beyond the head's message cap is refused by gRPC itself.
  const big = await raw('CreateActor', actorReq({ args: Buffer.alloc(20 << 20) }));
  t.is(big?.code, grpc.status.RESOURCE_EXHAUSTED);
  // Unknown ids are NOT_FOUND, not crashes.
  const nf = await raw('KillActor', { actorId: 'actor-0123456789abcdef' });
  t.is(nf?.code, grpc.status.NOT_FOUND);
  // Stale or foreign reports change nothing.
  t.is(
    await raw('ReportActorExit', { nodeId: 'node-0123456789abcdef', actorId: 'actor-0123456789abcdef' }),
    undefined,
  );
  // Still serving, tables intact.
  const c = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  const s = await c.status();
  t.is(s.nodes.length, 1);
  t.is(s.nodes[0]!.state, 'ALIVE');
  const a = await c.createActor('echo');
  t.is(await a.call('echo', 'ok'), 'ok');
  await c.close();
});

test.serial(
  'mutual TLS: a cluster with --tls-* works end to end; a plaintext client cannot talk to it',
  async (t) => {
    const tls = makeTestCerts(cluster.dir);
    const tlsFlags = ['--tls-cert', tls.cert, '--tls-key', tls.key, '--tls-ca', tls.ca];
    const secure = new TestCluster();
    t.teardown(() => secure.close());
    await secure.startHead(tlsFlags);
    await secure.startWorker(tlsFlags);
    const c = await ClusterClient.connect({ head: secure.address, token: secure.token, tls });
    const a = await c.createActor('echo');
    t.is(await a.call('echo', 'over TLS'), 'over TLS');
    await c.close();
    const plain = await t.throwsAsync(
      ClusterClient.connect({ head: secure.address, token: secure.token, job: false, rpcTimeoutMs: 2000 }),
    );
    t.truthy(plain);
  },
);
