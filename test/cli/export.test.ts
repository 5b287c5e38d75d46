import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMnistDir } from '../helpers/mnist-files.js';
import { WASM1, runCli, trainTinyRun } from '../helpers/run-cli.js';

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
