import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';
import { jsonLines, runCli } from '../helpers/run-cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twist-doctor-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const backends = (stdout: string): Record<string, unknown>[] =>
  jsonLines(stdout).filter((l) => l['kind'] === 'backend');
const native = (stdout: string, name: string): Record<string, unknown> | undefined =>
  jsonLines(stdout).find((l) => l['kind'] === 'native' && l['name'] === name);

test('twist doctor lists every backend in the order auto tries them, torch first where libtorch is', async (t) => {
  const r = await runCli(['doctor', '--json']);
  t.is(r.code, 0, r.stderr);
  const probes = backends(r.stdout);
  t.deepEqual(
    probes.map((p) => p['name']),
    ['torch', 'tensorflow', 'wasm', 'cpu'],
  );
  const torch = probes[0]!;
  if (libtorchOnThisMachine()) {
    t.true(torch['available'] as unknown as boolean, String(torch['detail']));
    t.regex(String(torch['detail']), /libtorch \d+\.\d+/);
    t.true(torch['auto'] as unknown as boolean);
  }
  t.true(probes[2]!['available'] as unknown as boolean, 'wasm');
});

test('without the addon, torch is listed unavailable with the reason, and auto training falls to the next backend', async (t) => {
  const env = { TWIST_TORCH_ADDON: path.join(tmp, 'missing.node') };
  const r = await runCli(['doctor', '--json'], env);
  const probes = backends(r.stdout);
  t.false(probes[0]!['available'] as unknown as boolean);
  t.regex(String(probes[0]!['detail']), /TWIST_TORCH_ADDON=.*missing\.node does not exist/);
  t.true(probes.find((p) => p['name'] === 'wasm')!['auto'] as unknown as boolean);
  const forced = await runCli(['train', '--local', '--backend', 'torch', '--max-steps', '1'], env);
  t.is(forced.code, 2);
  t.regex(forced.stderr, /the torch backend is unavailable: TWIST_TORCH_ADDON=/);
});

test('twist doctor says whether the native data plane, augmentations and optimizer loops are there, and what runs instead', async (t) => {
  const built = fs.existsSync(
    new URL('../../../native/collective/build/Release/twist_collective.node', import.meta.url),
  );
  const on = await runCli(['doctor', '--json']);
  t.is(native(on.stdout, 'collective')?.['available'], built);
  t.truthy(native(on.stdout, 'augment'));
  const optimBuilt = fs.existsSync(
    new URL('../../../native/optim/build/Release/twist_optim.node', import.meta.url),
  );
  t.is(native(on.stdout, 'optim')?.['available'], optimBuilt);
  const off = await runCli(['doctor', '--json'], { TWIST_NATIVE_COLLECTIVE: '0' });
  const line = native(off.stdout, 'collective')!;
  t.false(line['available'] as boolean);
  t.regex(String(line['detail']), /TWIST_NATIVE_COLLECTIVE=0; the TypeScript data plane runs/);
});
