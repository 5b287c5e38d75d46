import test from 'ava';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  ParamStore,
  ResNet,
  TwistModel,
  batchNorm,
  addBatchNorm,
  selectBackend,
  shutdownBackend,
  type ResNetDepth,
} from '../../twist/index.js';
import { Random } from '../../core/index.js';
import { randomValues } from '../helpers/compare.js';
import { torchShape } from '../../checkpoint/index.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/torchvision-resnet-keys.json', import.meta.url), 'utf8'),
) as Record<string, { state_dict: [string, number[]][]; parameters: number }>;

test.before(async () => {
  await selectBackend({ name: 'cpu' });
});
test.after.always(() => shutdownBackend());

for (const depth of [18, 34, 50] as ResNetDepth[]) {
  test(`ResNet-${depth}: state_dict names, shapes and parameter count equal torchvision's (fc excluded)`, (t) => {
    const store = new ParamStore();
    new ResNet({ depth, width: 64, stem: 'imagenet', inChannels: 3 }, store, new Random(0));
    const ref = fixture[`resnet${depth}`]!;
    const ours = new Map<string, number[]>();
    for (const p of store.params) ours.set(p.name, torchShape(p.variable.shape, p.layout));
    for (const b of store.buffers) ours.set(b.name, [...b.variable.shape]);
    t.is(ours.size, ref.state_dict.length);
    for (const [name, shape] of ref.state_dict) t.deepEqual(ours.get(name), shape, name);
    t.is(store.paramCount(), ref.parameters);
    // Parameter order is the state_dict's order (checkpoints and exports rely on it).
    const refParams = ref.state_dict.map(([n]) => n).filter((n) => store.params.some((p) => p.name === n));
    t.deepEqual(
      store.params.map((p) => p.name),
      refParams,
    );
    store.dispose();
  });
}

test('torchvision init: kaiming-normal fan_out convs, BN weight 1 / bias 0, buffers 0 / 1', (t) => {
  const store = new ParamStore();
  new ResNet({ depth: 18, width: 64, stem: 'cifar', inChannels: 3 }, store, new Random(1));
  const w = store.get('layer4.0.conv2.weight').dataSync();
  let s2 = 0;
  for (const v of w) s2 += v * v;
  const std = Math.sqrt(s2 / w.length);
  const expected = Math.sqrt(2 / (512 * 9));
  t.true(Math.abs(std - expected) / expected < 0.01, `std ${std} vs ${expected}`);
  t.true(
    store
      .get('bn1.weight')
      .dataSync()
      .every((v) => v === 1),
  );
  t.true(
    store
      .get('bn1.bias')
      .dataSync()
      .every((v) => v === 0),
  );
  t.true(
    store
      .get('bn1.running_var')
      .dataSync()
      .every((v) => v === 1),
  );
  t.is(store.get('conv1.weight').shape.join(','), '3,3,3,64', 'cifar stem is 3x3');
  store.dispose();
});

test('TWIST model: seed names for the head, no affine on the last norm, PyTorch Linear init bounds', (t) => {
  const m = new TwistModel({
    backbone: { depth: 18, width: 16, stem: 'cifar', inChannels: 1 },
    head: { hidDim: 512, dim: 10, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
  });
  const names = [...m.store.params.map((p) => p.name), ...m.store.buffers.map((b) => b.name)];
  for (const n of [
    'backbone.conv1.weight',
    'backbone.layer2.0.downsample.0.weight',
    'projection_heads.projection_head.0.weight',
    'projection_heads.projection_head.1.running_var',
    'projection_heads.projection_head.4.bias',
    'projection_heads.projection_head.5.weight',
    'projection_heads.last_linear.weight',
    'projection_heads.norm.running_mean',
    'projection_heads.norm.num_batches_tracked',
  ])
    t.true(names.includes(n), n);
  t.false(names.includes('projection_heads.norm.weight'));
  t.false(names.includes('projection_heads.norm.bias'));
  const w0 = m.store.get('projection_heads.projection_head.0.weight').dataSync();
  t.true(
    w0.every((v) => Math.abs(v) <= 1 / Math.sqrt(128)),
    'U(±1/√fan_in), fan_in = 128',
  );
  t.true(Math.max(...w0) > 0.9 / Math.sqrt(128), 'fills the range');
  m.dispose();
});

test('BatchNorm: batch statistics and a running update with momentum 0.1 and the unbiased variance; eval uses running stats', (t) => {
  const store = new ParamStore();
  addBatchNorm(store, 'bn', 2);
  const x = tf.tensor2d([
    [1, 10],
    [2, 20],
    [3, 30],
    [6, 60],
  ]);
  const y = batchNorm(store, 'bn', x, { training: true });
  // Column 0: mean 3, biased var 3.5, unbiased 14/3.
  const y0 = y.dataSync()[0]!;
  t.true(Math.abs(y0 - (1 - 3) / Math.sqrt(3.5 + 1e-5)) < 1e-5);
  const rm = store.get('bn.running_mean').dataSync();
  const rv = store.get('bn.running_var').dataSync();
  t.true(Math.abs(rm[0]! - 0.3) < 1e-6 && Math.abs(rm[1]! - 3) < 1e-5);
  t.true(Math.abs(rv[0]! - (0.9 + (0.1 * 14) / 3)) < 1e-6);
  t.is(store.get('bn.num_batches_tracked').dataSync()[0], 1);
  const e = batchNorm(store, 'bn', tf.tensor2d([[0.3, 3]]), { training: false }).dataSync();
  t.true(Math.abs(e[0]!) < 1e-6 && Math.abs(e[1]!) < 1e-5, 'x = running mean → 0');
  store.dispose();
});

test('multi-view forward: backbone BN statistics per resolution group, one head pass over all views', (t) => {
  const m = new TwistModel({
    backbone: { depth: 18, width: 4, stem: 'cifar', inChannels: 1 },
    head: { hidDim: 16, dim: 5, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
  });
  const ctx = { training: true, updateStats: false };
  const g1 = tf.tensor4d(randomValues(4 * 64, 1), [4, 8, 8, 1]);
  const g2 = tf.tensor4d(randomValues(4 * 64, 2), [4, 8, 8, 1]);
  const l1 = tf.tensor4d(randomValues(4 * 16, 3), [4, 4, 4, 1]);
  const z = m.forward([g1, g2, l1], ctx);
  t.is(z.length, 3);
  const expected = m.head.forward(
    tf.concat([m.backbone.forward(tf.concat([g1, g2]), ctx), m.backbone.forward(l1, ctx)]),
    ctx,
  );
  const got = tf.concat(z).dataSync();
  const want = expected.dataSync();
  t.true(got.every((v, i) => Math.abs(v - want[i]!) < 1e-5));
  // The locals' features differ when their BN statistics are pooled with the globals'.
  const pooled = m.backbone.forward(tf.concat([g1, tf.image.resizeBilinear(l1, [8, 8])]), ctx);
  t.notDeepEqual(
    Array.from(pooled.dataSync().slice(16, 20)),
    Array.from(m.backbone.forward(l1, ctx).dataSync().slice(0, 4)),
  );
  t.throws(() => m.forward([g1, tf.zeros([3, 8, 8, 1]) as tf.Tensor4D], ctx), { message: /same batch size/ });
  m.dispose();
});

test('ResNet rejects bad configurations and inputs with clear errors', (t) => {
  const store = new ParamStore();
  t.throws(
    () =>
      new ResNet(
        { depth: 101 as ResNetDepth, width: 64, stem: 'cifar', inChannels: 3 },
        store,
        new Random(0),
      ),
    { message: /depth must be one of 18, 34, 50/ },
  );
  const r = new ResNet({ depth: 18, width: 4, stem: 'cifar', inChannels: 1 }, store, new Random(0));
  t.throws(() => r.forward(tf.zeros([2, 8, 8, 3]) as tf.Tensor4D, { training: false }), {
    message: /expects 1 input channels, got 3/,
  });
  store.dispose();
});
