/**
 * Simulated workers for the control-plane benchmark, all in this one process: one gRPC server
 * answers grpc.health.v1 for every simulated node (each registers under its own loopback address,
 * 127.0.x.y, all served by one 0.0.0.0 listener); each node registers with the head and then sends
 * a heartbeat every `periodMs`, spread evenly. argv: head, token, count, periodMs, seconds.
 * Prints one JSON line when all are registered, and one at the end with the heartbeat latencies.
 */
import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { callUnary, clientArgs, guardFor, healthHandlers } from '../core/index.js';
import { loadProto, type ClusterProto, type HealthProto } from '../proto/index.js';

const [head, token, countS, periodS, secondsS] = process.argv.slice(2);
const count = Number(countS);
const periodMs = Number(periodS);
const seconds = Number(secondsS);

const server = new grpc.Server();
server.addService(
  loadProto<HealthProto>('health').grpc.health.v1.Health.service,
  healthHandlers(guardFor(token!), () => true),
);
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync('0.0.0.0:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
    e ? reject(e) : resolve(p),
  ),
);
const [creds, options] = clientArgs({ token: token! });
const stub = new (loadProto<ClusterProto>('cluster').twist.v1.Cluster)(head!, creds, options);

const ids: string[] = [];
for (let i = 0; i < count; i++) {
  const address = `127.0.${Math.floor(i / 250)}.${(i % 250) + 2}:${port}`;
  const rep = await callUnary(
    stub,
    'RegisterNode',
    {
      address,
      hostname: `sim-${i}`,
      resources: { CPU: 8, GPU: 1, memory: 64 * 2 ** 30 },
      labels: { sim: 'true' },
      gpus: [{ index: 0, name: 'sim', memoryBytes: 2 ** 34, declared: true }],
    },
    'RegisterNode',
    { timeoutMs: 30_000 },
  );
  ids.push(rep.nodeId);
}
process.stdout.write(`${JSON.stringify({ event: 'registered', count })}\n`);

const lat: number[] = [];
let failures = 0;
const end = Date.now() + seconds * 1000;
await Promise.all(
  ids.map(async (nodeId, i) => {
    await sleep((i / count) * periodMs);
    while (Date.now() < end) {
      const t0 = performance.now();
      try {
        await callUnary(stub, 'Heartbeat', { nodeId }, 'Heartbeat', { timeoutMs: 10_000 });
        lat.push(performance.now() - t0);
      } catch {
        failures++;
      }
      await sleep(Math.max(0, periodMs - (performance.now() - t0)));
    }
  }),
);
lat.sort((a, b) => a - b);
const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ event: 'done', heartbeats: lat.length, failures, p50_ms: q(0.5), p99_ms: q(0.99) })}\n`,
);
stub.close();
server.forceShutdown();
process.exit(0);
