import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { detectron2Key, exportDetectron2, exportTorchvision } from '../../checkpoint/index.js';
import { ParamStore, ResNet, selectBackend, shutdownBackend, type ResNetDepth } from '../../twist/index.js';
import { Random } from '../../core/index.js';
import { randomValues, relErr } from '../helpers/compare.js';

const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/torchvision_forward.py', import.meta.url));

test.before(async () => {
  await selectBackend({ name: 'wasm' });
});
test.after.always(() => shutdownBackend());

function torchvisionPresent(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FORMATS = {
  torchvision: {
    file: 'backbone.safetensors',
    write: (store: ParamStore, part: 'backbone') => exportTorchvision(store, part),
  },
  detectron2: { file: 'backbone.pkl', write: (store: ParamStore) => exportDetectron2(store) },
} as const;

for (const [format, depth] of [
  ['torchvision', 18],
  ['torchvision', 50],
  ['detectron2', 50],
] as const satisfies readonly (readonly [keyof typeof FORMATS, ResNetDepth])[]) {
  test(`a ResNet-${depth} exported for ${format} loads into torchvision with only fc.* missing and computes the same features`, (t) => {
    t.true(
      torchvisionPresent(),
      'needs /usr/bin/python3 with Debian python3-torch and python3-torchvision (.ci/run installs them)',
    );
    const store = new ParamStore();
    const net = new ResNet(
      { depth, width: 64, stem: 'imagenet', inChannels: 3 },
      store,
      new Random(depth),
      'backbone.',
    );
    // Non-trivial BN state, so eval mode really uses running statistics and affine parameters.
    const rng = new Random(99);
    for (const e of [...store.params, ...store.buffers]) {
      const n = e.name;
      if (/bn\d\.|downsample\.1\./.test(n) && !n.endsWith('num_batches_tracked')) {
        const v = Float32Array.from({ length: e.variable.size }, () =>
          n.endsWith('running_var') || n.endsWith('.weight') ? 0.5 + rng.next() : 0.2 * rng.normal(),
        );
        e.variable.assign(tf.tensor(v, e.variable.shape));
      }
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-tv-'));
    const file = path.join(dir, FORMATS[format].file);
    writeFileSync(file, FORMATS[format].write(store, 'backbone'));
    const shape: [number, number, number, number] = [2, 64, 64, 3];
    const input = randomValues(
      shape.reduce((a, b) => a * b, 1),
      5,
    );
    writeFileSync(path.join(dir, 'x.bin'), input);
    const out = execFileSync(
      '/usr/bin/python3',
      [
        SCRIPT,
        file,
        `resnet${depth}`,
        path.join(dir, 'x.bin'),
        ...shape.map(String),
        path.join(dir, 'y.bin'),
      ],
      { encoding: 'utf8' },
    );
    const report = JSON.parse(out.trim().split('\n').at(-1)!) as { missing: string[]; unexpected: string[] };
    t.deepEqual(report.missing, ['fc.bias', 'fc.weight']);
    t.deepEqual(report.unexpected, []);
    const theirs = new Float32Array(readFileSync(path.join(dir, 'y.bin')).buffer.slice(0));
    const ours = tf.tidy(
      () => net.forward(tf.tensor4d(input, shape), { training: false }).dataSync() as Float32Array,
    );
    t.is(ours.length, theirs.length);
    const err = relErr(ours, theirs);
    t.true(err < 1e-4, `features differ from torchvision's by ${err}`);
    store.dispose();
  });
}

test('detectron2 keys follow the seed converter: stem., res2..5, convK.norm, shortcut', (t) => {
  t.is(detectron2Key('conv1.weight'), 'stem.conv1.weight');
  t.is(detectron2Key('bn1.running_var'), 'stem.conv1.norm.running_var');
  t.is(detectron2Key('layer1.0.conv2.weight'), 'res2.0.conv2.weight');
  t.is(detectron2Key('layer3.5.bn3.bias'), 'res4.5.conv3.norm.bias');
  t.is(detectron2Key('layer2.0.downsample.0.weight'), 'res3.0.shortcut.weight');
  t.is(detectron2Key('layer2.0.downsample.1.weight'), 'res3.0.shortcut.norm.weight');
  t.is(detectron2Key('layer4.1.bn2.num_batches_tracked'), 'res5.1.conv2.norm.num_batches_tracked');
});
