import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test from 'ava';
import { ClusterClient, runDistributed } from '../../client/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { seriesFromPrometheus } from '../../head/index.js';
import { TestCluster, waitFor } from '../helpers/cluster-processes.js';
import { parsePromText, sampleValue } from '../helpers/prom-text.js';
import { runCli } from '../helpers/run-cli.js';

const cluster = new TestCluster();
let client: ClusterClient;
let dashboard = '';
let actorMetrics = '';

test.before(async () => {
  const head = await cluster.startHead();
  dashboard = String(head.info['dashboard']);
  await cluster.startWorker(['--gpus', '0']);
  await cluster.startWorker(['--gpus', '2']);
  client = await ClusterClient.connect({ head: cluster.address, token: cluster.token });
  const a = await client.createActor('echo');
  actorMetrics = (await a.ready(30_000)).metricsAddress;
  for (let i = 0; i < 3; i++) await a.call('echo', i);
});

test.after.always(async () => {
  await client?.close();
  await cluster.close();
});

const scrape = async (url: string): Promise<ReturnType<typeof parsePromText>> => {
  const r = await fetch(url);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  return parsePromText(await r.text());
};

test.serial("the head's, a worker's and an actor's /metrics parse and carry their series", async (t) => {
  const head = await scrape(`${dashboard}/metrics`);
  t.is(sampleValue(head.samples, 'twist_head_nodes', { state: 'ALIVE', role: 'head' }), 2);
  t.is(sampleValue(head.samples, 'twist_head_actors', { state: 'ALIVE' }), 1);
  t.true(
    (sampleValue(head.samples, 'twist_rpc_server_requests_total', { method: 'RegisterNode', code: 'OK' }) ??
      0) >= 2,
  );
  t.true((sampleValue(head.samples, 'twist_head_scheduling_latency_seconds_count') ?? 0) >= 1);
  t.is(head.types.get('twist_head_health_check_seconds'), 'histogram');
  t.not(sampleValue(head.samples, 'twist_nodejs_eventloop_lag_p99_seconds'), undefined);
  t.not(sampleValue(head.samples, 'twist_process_resident_memory_bytes'), undefined);
  const s = await client.status();
  for (const n of s.nodes) {
    const w = await scrape(`http://${n.metricsAddress}/metrics`);
    t.is(sampleValue(w.samples, 'twist_worker_head_reachable', { node: n.id }), 1);
    t.not(sampleValue(w.samples, 'twist_worker_actors'), undefined);
    t.is(sampleValue(w.samples, 'twist_worker_gpus', { source: 'declared' }), n.resources.total['GPU'] ?? 0);
  }
  const actor = await scrape(`http://${actorMetrics}/metrics`);
  t.is(
    sampleValue(actor.samples, 'twist_actor_calls_total', { method: 'echo', outcome: 'ok', class: 'echo' }),
    3,
  );
});

test.serial(
  'service discovery lists the head, both workers and the actor; the file_sd copy matches',
  async (t) => {
    const groups = (await (await fetch(`${dashboard}/sd/targets`)).json()) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    t.is(groups.filter((g) => g.labels['role'] === 'head').length, 1);
    t.is(groups.filter((g) => g.labels['role'] === 'worker').length, 2);
    const actor = groups.find((g) => g.labels['role'] === 'actor')!;
    t.deepEqual(actor.targets, [actorMetrics]);
    t.is(actor.labels['class'], 'echo');
    t.is(actor.labels['job'], client.jobId);
    const file = String(cluster.head!.info['fileSd']);
    const fromFile = await waitFor(
      () => {
        if (!existsSync(file)) return undefined;
        const g = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
        return g.length === groups.length ? g : undefined;
      },
      10_000,
      'the file_sd targets',
    );
    t.deepEqual(fromFile, groups);
  },
);

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

test.serial(
  'a real Prometheus, configured by twist head --print-prometheus-config, discovers and scrapes every target',
  async (t) => {
    const port = Number(dashboard.split(':').pop());
    const cfg = await runCli(['head', '--print-prometheus-config', '--dashboard-port', String(port)]);
    t.is(cfg.code, 0, cfg.stderr);
    t.regex(cfg.stdout, /http_sd_configs/);
    const dir = path.join(cluster.dir, 'prometheus');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'prometheus.yml'), cfg.stdout);
    const promPort = await freePort();
    const prom = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    t.teardown(() => prom.kill('SIGKILL'));
    const api = `http://127.0.0.1:${promPort}/api/v1`;
    const up = await waitFor(
      async () => {
        const r = await fetch(`${api}/targets`).catch(() => undefined);
        if (!r?.ok) return undefined;
        const body = (await r.json()) as {
          data: { activeTargets: { health: string; labels: Record<string, string> }[] };
        };
        const active = body.data.activeTargets;
        return active.length === 4 && active.every((x) => x.health === 'up') ? active : undefined;
      },
      60_000,
      'Prometheus to scrape all four targets',
    );
    t.deepEqual(up.map((x) => x.labels['role']).sort(), ['actor', 'head', 'worker', 'worker']);
    const q = 'twist_actor_calls_total{method="echo",outcome="ok"}';
    const result = await waitFor(
      async () => {
        const r = await fetch(`${api}/query?query=${encodeURIComponent(q)}`);
        const body = (await r.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result.length ? body.data.result : undefined;
      },
      30_000,
      `Prometheus to answer ${q}`,
    );
    t.is(result[0]!.metric['class'], 'echo');
    t.is(Number(result[0]!.value[1]), 3);
    t.log(`Prometheus query ${q} → ${result[0]!.value[1]}`);

    // A short run: Prometheus discovers its trainers and scrapes their series.
    const ac = new AbortController();
    const run = runDistributed(client, {
      config: {
        dataPath: FASHION_MNIST_DIR,
        batchSize: 32,
        epochs: 1,
        width: 4,
        hidDim: 16,
        dim: 10,
        seed: 2,
      },
      trainers: 2,
      runDir: path.join(dir, 'run'),
      maxSteps: 1000,
      backend: 'wasm',
      threads: 1,
      evaluate: false,
      signal: ac.signal,
    });
    const tq = 'twist_trainer_steps_total';
    const trainer = await waitFor(
      async () => {
        const r = await fetch(`${api}/query?query=${encodeURIComponent(tq)}`);
        const body = (await r.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result.length === 2 && body.data.result.every((x) => Number(x.value[1]) > 0)
          ? body.data.result
          : undefined;
      },
      120_000,
      `Prometheus to scrape both trainers' ${tq}`,
    );
    // A trainer's own /metrics parses and carries the run's series.
    const tr = (await client.status()).actors.find((x) => x.className === 'trainer' && x.state === 'ALIVE')!;
    const tm = await scrape(`http://${tr.metricsAddress}/metrics`);
    t.true((sampleValue(tm.samples, 'twist_trainer_steps_total') ?? 0) > 0);
    for (const term of ['loss', 'kl', 'eh', 'he'])
      t.not(sampleValue(tm.samples, 'twist_trainer_loss', { term }), undefined, term);
    t.is(tm.types.get('twist_trainer_step_seconds'), 'histogram');
    t.true((sampleValue(tm.samples, 'twist_trainer_weight_norm') ?? 0) > 0);
    t.true((sampleValue(tm.samples, 'twist_trainer_allreduce_busbw_bytes_per_second') ?? 0) > 0);
    t.not(sampleValue(tm.samples, 'twist_loader_queue_depth'), undefined);
    t.not(sampleValue(tm.samples, 'twist_trainer_images_per_second', { backend: 'wasm' }), undefined);
    ac.abort();
    await run;
    t.deepEqual(
      trainer.map((x) => x.metric['class']),
      ['trainer', 'trainer'],
    );
    t.log(`Prometheus query ${tq} → ${trainer.map((x) => x.value[1]).join(', ')}`);
    // The dashboard's series, read from Prometheus (twist head --prometheus-url).
    const series = await seriesFromPrometheus(`http://127.0.0.1:${promPort}`);
    t.is(series['nodes_alive']?.[1].at(-1), 2);
    t.true((series['train_loss']?.[1].length ?? 0) > 0);
  },
);

test('bound beyond loopback, the head refuses /metrics without the token', async (t) => {
  const open = new TestCluster();
  t.teardown(() => open.close());
  const head = await open.startHead(['--dashboard-host', '0.0.0.0']);
  const url = `http://127.0.0.1:${String(head.info['dashboard']).split(':').pop()}/metrics`;
  t.is((await fetch(url)).status, 401);
  t.is((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  t.is((await fetch(url, { headers: { authorization: `Bearer ${open.token}` } })).status, 200);
});
