import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFromCheckpoint, loadTfjsExport } from '../../checkpoint/index.js';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { writeMnistDir } from '../helpers/mnist-files.js';
import { WASM1, runCli, trainTinyRun } from '../helpers/run-cli.js';

test.after.always(() => shutdownBackend());

/** The JSON header of a safetensors file, parsed by hand as the format allows. */
function header(
  file: string,
): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const raw = readFileSync(file);
  const len = Number(raw.readBigUInt64LE(0));
  return JSON.parse(raw.subarray(8, 8 + len).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
}

test('twist export --format torchvision writes backbone-only and full safetensors files in PyTorch layouts', async (t) => {
  const data = writeMnistDir(64, 12, 4);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'twist-export-'));
  const run = path.join(tmp, 'run');
  await trainTinyRun(data, run, 2);
  const backbone = path.join(tmp, 'backbone.safetensors');
  const r1 = await runCli(
    ['export', '--checkpoint', run, '--format', 'torchvision', '--out', backbone],
    WASM1,
  );
  t.is(r1.code, 0, r1.stderr);
  const h = header(backbone);
  t.deepEqual(h['conv1.weight']?.shape, [4, 1, 3, 3], 'OIHW');
  t.is(h['layer2.0.downsample.1.num_batches_tracked']?.dtype, 'I64');
  t.false(Object.keys(h).some((k) => k.startsWith('projection_heads') || k.startsWith('backbone.')));
  const full = path.join(tmp, 'full.safetensors');
  const r2 = await runCli(['export', '--checkpoint', run, '--out', full, '--part', 'full'], WASM1);
  t.is(r2.code, 0, r2.stderr);
  const f = header(full);
  t.deepEqual(f['projection_heads.last_linear.weight']?.shape, [6, 32], '[out, in]');
  t.truthy(f['projection_heads.norm.running_var']);
  t.falsy(f['projection_heads.norm.weight']);
  const bad = await runCli(
    ['export', '--checkpoint', run, '--out', path.join(tmp, 'x'), '--format', 'onnx'],
    WASM1,
  );
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown format 'onnx' \(available: torchvision, tfjs, detectron2\)/);
});

test('twist export --format tfjs writes model.json + weight shards that the project loader reads back exactly', async (t) => {
  const data = writeMnistDir(64, 12, 4);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'twist-export-'));
  const run = path.join(tmp, 'run');
  await trainTinyRun(data, run, 2);
  await selectBackend({ name: 'cpu' });
  const out = path.join(tmp, 'tfjs');
  for (const part of ['full', 'backbone']) {
    const r = await runCli(
      ['export', '--checkpoint', run, '--format', 'tfjs', '--part', part, '--out', out],
      WASM1,
    );
    t.is(r.code, 0, r.stderr);
    const json = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')) as {
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    };
    const names = json.weightsManifest[0]!.weights.map((w) => w.name);
    t.is(
      names.some((n) => n.startsWith('projection_heads.')),
      part === 'full',
    );
    t.deepEqual(
      json.weightsManifest[0]!.weights.find((w) => w.name === 'backbone.conv1.weight')?.shape,
      [3, 3, 1, 4],
      'HWIO as tfjs',
    );
    const exported = await loadTfjsExport(out);
    const original = await loadModelFromCheckpoint(run);
    const x = tf.randomNormal([3, 12, 12, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const a = exported.model.features(x);
    const b = original.model.features(x);
    t.deepEqual(a.dataSync(), b.dataSync(), `${part}: the same features, bit for bit`);
    if (part === 'full') {
      const za = exported.model.logits(x);
      const zb = original.model.logits(x);
      t.deepEqual(za.dataSync(), zb.dataSync(), 'the same head outputs');
      tf.dispose([za, zb]);
    }
    tf.dispose([x, a, b]);
    exported.model.dispose();
    original.model.dispose();
  }
  const bad = await runCli(
    [
      'export',
      '--checkpoint',
      run,
      '--format',
      'detectron2',
      '--part',
      'full',
      '--out',
      path.join(tmp, 'd.pkl'),
    ],
    WASM1,
  );
  t.is(bad.code, 2);
  t.regex(bad.stderr, /detectron2 takes the backbone only/);
});
