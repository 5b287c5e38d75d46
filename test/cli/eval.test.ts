import test from 'ava';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { idxBytes, writeMnistDir } from '../helpers/mnist-files.js';
import { WASM1, jsonLines, runCli, trainTinyRun } from '../helpers/run-cli.js';

let data = '';
let run = '';

test.before(async () => {
  data = writeMnistDir(160, 12, 4);
  run = path.join(mkdtempSync(path.join(os.tmpdir(), 'twist-eval-')), 'run');
  await trainTinyRun(data, run);
});

const lastJson = (stdout: string): Record<string, unknown> =>
  jsonLines(stdout).at(-1) as Record<string, unknown>;

test('twist eval knn / linear / cluster print their figures; with --json the last line holds them all', async (t) => {
  const knn = await runCli(
    ['eval', 'knn', '--checkpoint', run, '--data-path', data, '--k', '20,5', '--json'],
    WASM1,
  );
  t.is(knn.code, 0, knn.stderr);
  const k = lastJson(knn.stdout);
  t.true((k['knn20'] as number) >= 0 && (k['knn20'] as number) <= 1 && typeof k['knn5'] === 'number');
  const lin = await runCli(
    [
      'eval',
      'linear',
      '--checkpoint',
      run,
      '--data-path',
      data,
      '--cached-features',
      '--epochs',
      '3',
      '--json',
    ],
    WASM1,
  );
  t.is(lin.code, 0, lin.stderr);
  t.regex(lin.stderr, /cached features of un-augmented images/);
  const l = lastJson(lin.stdout);
  t.is(l['cached_features'], true);
  t.true(typeof l['linear_top1'] === 'number' && typeof l['linear_top5'] === 'number');
  const cl = await runCli(
    ['eval', 'cluster', '--checkpoint', run, '--data-path', data, '--kmeans-restarts', '2', '--json'],
    WASM1,
  );
  t.is(cl.code, 0, cl.stderr);
  const c = lastJson(cl.stdout) as { head: Record<string, number>; kmeans: Record<string, number> };
  for (const key of ['nmi', 'ami', 'ari', 'fmi', 'acc', 'acc_top5']) t.is(typeof c.head[key], 'number', key);
  t.is(c.kmeans['k'], 4);
  const plain = await runCli(['eval', 'knn', '--checkpoint', run, '--data-path', data, '--k', '10'], WASM1);
  t.regex(plain.stdout, /^knn10: 0?\.?\d/m);
});

test('twist eval: a missing checkpoint, a bad mode, and a dataset with unknown classes are clear errors', async (t) => {
  const none = await runCli(['eval', 'knn', '--checkpoint', '/nonexistent/run', '--data-path', data], WASM1);
  t.is(none.code, 2);
  t.regex(none.stderr, /\/nonexistent\/run/);
  const mode = await runCli(['eval', 'probe', '--checkpoint', run], WASM1);
  t.is(mode.code, 2);
  t.regex(mode.stderr, /unknown evaluation 'probe'/);
  const bad = mkdtempSync(path.join(os.tmpdir(), 'twist-bad-'));
  const img = idxBytes([4, 12, 12], new Uint8Array(4 * 144));
  for (const s of ['train', 't10k'])
    writeFileSync(path.join(bad, `${s}-images-idx3-ubyte.gz`), gzipSync(img));
  writeFileSync(
    path.join(bad, 'train-labels-idx1-ubyte.gz'),
    gzipSync(idxBytes([4], Uint8Array.from([0, 1, 0, 1]))),
  );
  writeFileSync(
    path.join(bad, 't10k-labels-idx1-ubyte.gz'),
    gzipSync(idxBytes([4], Uint8Array.from([0, 1, 2, 7]))),
  );
  const r = await runCli(
    ['eval', 'linear', '--checkpoint', run, '--data-path', bad, '--cached-features'],
    WASM1,
  );
  t.is(r.code, 2);
  t.regex(r.stderr, /test label 2 is not among the 2 training classes/);
  const semi = await runCli(
    ['eval', 'semi', '--checkpoint', run, '--data-path', data, '--train-percent', '5'],
    WASM1,
  );
  t.is(semi.code, 2);
  t.regex(semi.stderr, /--train-percent must be 1, 10 or 100/);
});

test('twist eval: a checkpoint that does not match its model is a clear error naming the tensor', async (t) => {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'twist-mismatch-')), 'run');
  cpSync(run, copy, { recursive: true });
  const latest = readFileSync(path.join(copy, 'LATEST'), 'utf8').trim();
  const file = path.join(copy, latest, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { config: { width: number } };
  manifest.config.width = 8; // the config now describes a wider model than the stored tensors
  writeFileSync(file, JSON.stringify(manifest));
  const r = await runCli(['eval', 'knn', '--checkpoint', copy, '--data-path', data], WASM1);
  t.is(r.code, 2);
  t.regex(r.stderr, /step-4: backbone\.conv1\.weight is float32\[3,3,1,4\], the model's float32\[3,3,1,8\]/);
});
