import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { chromium, type Browser } from 'playwright-core';
import { ClusterClient, runDistributed } from '../../client/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { TestCluster } from '../helpers/cluster-processes.js';

/** Screenshots land here (git-ignored): the test's artifacts. */
const ARTIFACTS = fileURLToPath(new URL('../../../.tmp/artifacts/', import.meta.url));

const cluster = new TestCluster();
let client: ClusterClient;
let browser: Browser;
let dashboard = '';
const nodeIds: string[] = [];

test.before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const head = await cluster.startHead();
  dashboard = String(head.info['dashboard']);
  for (const gpus of ['0', '2'])
    nodeIds.push(String((await cluster.startWorker(['--gpus', gpus])).info['nodeId']));
  client = await ClusterClient.connect({
    head: cluster.address,
    token: cluster.token,
    jobName: 'dashboard-test',
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

test.after.always(async () => {
  await browser?.close();
  await client?.close();
  await cluster.close();
});

test.serial('the dashboard shows both workers, the actors table, and charts whose points grow', async (t) => {
  const gpuActor = await client.createActor('echo', null, { resources: { GPU: 1 }, name: 'gpu-echo' });
  const info = await gpuActor.ready(30_000);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(dashboard);

  await page.waitForFunction(() => document.querySelectorAll('#nodes tbody tr').length === 2, undefined, {
    timeout: 15_000,
  });
  const nodesText = await page.locator('#nodes').innerText();
  for (const id of nodeIds) t.true(nodesText.includes(id), `node ${id} listed`);
  t.regex(nodesText, /declared, not detected/);
  t.regex(nodesText, /1 \/ 2/); // the GPU in use on the GPU worker
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-cluster.png'), fullPage: true });

  await page.getByRole('button', { name: 'Actors' }).click();
  await page.waitForFunction(
    (id) => document.querySelector('#actors')?.textContent?.includes(id),
    info.actorId,
  );
  const actorRow = page.locator('#actors tbody tr', { hasText: info.actorId });
  t.regex(await actorRow.innerText(), /ALIVE/);
  t.regex(await actorRow.innerText(), /gpu-echo/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-actors.png'), fullPage: true });

  await page.getByRole('button', { name: 'Charts' }).click();
  const chart = page.locator('#chart-actors');
  await chart.waitFor({ timeout: 15_000 });
  const points = async (): Promise<number> => Number(await chart.getAttribute('data-points'));
  const before = await points();
  await page.waitForFunction(
    (n) => Number(document.querySelector('#chart-actors')?.getAttribute('data-points')) > n,
    before,
    { timeout: 15_000 },
  );
  const after = await points();
  t.true(after > before, `chart points ${before} → ${after}`);
  t.is(await page.locator('#chart-actors canvas').count(), 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-charts.png'), fullPage: true });

  // The jobs page lists this driver's job as running with its live actor.
  await page.getByRole('button', { name: 'Jobs' }).click();
  const jobRow = page.locator('#jobs tbody tr', { hasText: client.jobId });
  t.regex(await jobRow.innerText(), /RUNNING/);
  t.deepEqual(errors, []);
  await page.close();
});

test.serial('on a phone-sized screen the page stays usable (tables scroll, nav wraps)', async (t) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(dashboard);
  await page.waitForFunction(() => document.querySelectorAll('#nodes tbody tr').length === 2);
  const bodyWidth = await page.evaluate(() => document.body.scrollWidth);
  t.true(bodyWidth <= 390 + 1, `page width ${bodyWidth}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
  await page.close();
});

test.serial('while a short run trains, its loss chart gains points', async (t) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  await page.goto(`${dashboard}#charts`);
  const run = runDistributed(client, {
    config: { dataPath: FASHION_MNIST_DIR, batchSize: 32, epochs: 1, width: 4, hidDim: 16, dim: 10, seed: 1 },
    trainers: 2,
    runDir: path.join(cluster.dir, 'run'),
    maxSteps: 30,
    checkpointEvery: 10,
    backend: 'wasm',
    threads: 1,
    evaluate: false,
  });
  const chart = page.locator('#chart-loss');
  await chart.waitFor({ timeout: 120_000 });
  const first = Number(await chart.getAttribute('data-points'));
  await page.waitForFunction(
    (n) => Number(document.querySelector('#chart-loss')?.getAttribute('data-points')) > n,
    first,
    { timeout: 120_000 },
  );
  const later = Number(await chart.getAttribute('data-points'));
  t.true(later > first, `loss chart points ${first} → ${later}`);
  t.is(await page.locator('#chart-split canvas').count(), 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-run.png'), fullPage: true });
  const r = await run;
  t.is(r.steps, 30);
  // The jobs page shows the run's progress and failures.
  await page.getByRole('button', { name: 'Jobs' }).click();
  await page.waitForFunction(
    () => document.querySelector('#jobs')?.textContent?.includes('30 / 30 (100 %)'),
    undefined,
    {
      timeout: 15_000,
    },
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-jobs.png'), fullPage: true });
  await page.close();
});
