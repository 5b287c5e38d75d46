import test from 'ava';
import { parseNvidiaSmi, resolveGpus } from '../../worker/index.js';

test('nvidia-smi CSV parses into index, name and memory; junk lines are skipped', (t) => {
  const csv = '0, NVIDIA H200, 143771\n1, NVIDIA A100-SXM4-80GB, 81920\n\nNVIDIA-SMI has failed\n';
  t.deepEqual(parseNvidiaSmi(csv), [
    { index: 0, name: 'NVIDIA H200', memoryBytes: 143771 * 2 ** 20, declared: false },
    { index: 1, name: 'NVIDIA A100-SXM4-80GB', memoryBytes: 81920 * 2 ** 20, declared: false },
  ]);
});

test('--gpus: auto takes what is detected; N takes N, declaring those not detected', async (t) => {
  const one = () => Promise.resolve(parseNvidiaSmi('0, GPU A, 1024\n'));
  const none = () => Promise.resolve([]);
  t.is((await resolveGpus('auto', one)).length, 1);
  t.deepEqual(await resolveGpus('auto', none), []);
  const two = await resolveGpus(2, one);
  t.deepEqual(
    two.map((g) => [g.index, g.declared]),
    [
      [0, false],
      [1, true],
    ],
  );
  t.deepEqual(await resolveGpus(0, one), []);
});
