import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { torchStateDict } from '../../checkpoint/index.js';
import { InvalidArgumentError } from '../../core/index.js';
import {
  TwistModel,
  VIT_PRESETS,
  selectBackend,
  shutdownBackend,
  twistLoss,
  type VitConfig,
} from '../../twist/index.js';
import { randomValues, relErr } from '../helpers/compare.js';

const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/vit_reference.py', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twist-vit-'));
test.before(async () => {
  await selectBackend({});
});
test.after.always(() => {
  shutdownBackend();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const HEAD = { hidDim: 16, dim: 6, norm: 'bn', act: 'gelu', drop: 0, init: 'trunc_normal' } as const;
const TINY: VitConfig = {
  arch: 'vit',
  patchSize: 4,
  embedDim: 24,
  depth: 2,
  numHeads: 3,
  imageSize: 16,
  inChannels: 3,
};

test('ViT-S/16: the seed’s parameter names, shapes and count (21.67 M)', (t) => {
  const model = new TwistModel({
    backbone: { arch: 'vit', patchSize: 16, imageSize: 224, inChannels: 3, ...VIT_PRESETS['vit-s'] },
    head: HEAD,
  });
  try {
    const bb = model.store.params.filter((p) => p.name.startsWith('backbone.'));
    t.is(bb.length, 4 + 12 * 12 + 2);
    t.deepEqual(
      bb.slice(0, 6).map((p) => p.name),
      [
        'backbone.cls_token',
        'backbone.pos_embed',
        'backbone.patch_embed.proj.weight',
        'backbone.patch_embed.proj.bias',
        'backbone.blocks.0.norm1.weight',
        'backbone.blocks.0.norm1.bias',
      ],
    );
    const torch = new Map(torchStateDict(model.store, 'backbone').map((e) => [e.name, e.shape]));
    t.deepEqual(torch.get('pos_embed'), [1, 197, 384]);
    t.deepEqual(torch.get('patch_embed.proj.weight'), [384, 3, 16, 16]);
    t.deepEqual(torch.get('blocks.11.attn.qkv.weight'), [1152, 384]);
    t.deepEqual(torch.get('blocks.11.mlp.fc1.weight'), [1536, 384]);
    t.deepEqual(torch.get('norm.bias'), [384]);
    t.is(
      bb.reduce((n, p) => n + p.variable.size, 0),
      21_665_664,
    );
    t.is(model.backbone.featureDim, 384);
  } finally {
    model.dispose();
  }
});

test('the ViT forward (patches, [CLS], bicubic positional embeddings for other sizes) equals DINO’s in PyTorch', (t) => {
  const model = new TwistModel({ backbone: TINY, head: HEAD, seed: 5 });
  try {
    const inputs: [number, number, number, number][] = [
      [2, 16, 16, 3],
      [2, 8, 12, 3],
      [1, 28, 20, 3],
    ];
    const tensors = torchStateDict(model.store, 'backbone');
    const parts: Float32Array[] = tensors.map((e) => e.data as Float32Array);
    const xs = inputs.map((s, i) =>
      randomValues(
        s.reduce((a, b) => a * b, 1),
        300 + i,
      ),
    );
    const manifest = {
      config: TINY,
      tensors: tensors.map((e) => ({ name: e.name, shape: e.shape })),
      inputs,
    };
    fs.writeFileSync(path.join(tmp, 'm.json'), JSON.stringify(manifest));
    const all = new Float32Array([...parts, ...xs].reduce((n, a) => n + a.length, 0));
    let off = 0;
    for (const a of [...parts, ...xs]) {
      all.set(a, off);
      off += a.length;
    }
    fs.writeFileSync(path.join(tmp, 'w.bin'), Buffer.from(all.buffer));
    const ref = JSON.parse(
      execFileSync('/usr/bin/python3', [SCRIPT, path.join(tmp, 'm.json'), path.join(tmp, 'w.bin')], {
        encoding: 'utf8',
      }),
    ) as { outputs: number[][] };
    for (const [i, s] of inputs.entries()) {
      const got = tf.tidy(() => model.features(tf.tensor4d(xs[i]!, s)).dataSync());
      const e = relErr(got, ref.outputs[i]!);
      t.true(e < 1e-4, `input [${s.join(',')}]: relative error ${e}`);
    }
  } finally {
    model.dispose();
  }
});

test('ViT inputs that are not a multiple of the patch, and heads not dividing the width, are clear errors', (t) => {
  t.throws(() => new TwistModel({ backbone: { ...TINY, numHeads: 5 }, head: HEAD }), {
    instanceOf: InvalidArgumentError,
    message: /embedDim 24 is not divisible by numHeads 5/,
  });
  const model = new TwistModel({ backbone: TINY, head: HEAD });
  try {
    t.throws(() => model.features(tf.zeros([1, 10, 16, 3]) as tf.Tensor4D), {
      instanceOf: InvalidArgumentError,
      message: /ViT input 10×16 is not a multiple of the patch size 4/,
    });
  } finally {
    model.dispose();
  }
});

test('the TWIST loss of a ViT model has a gradient for every parameter, drop path included', (t) => {
  const model = new TwistModel({ backbone: { ...TINY, dropPathRate: 0.2 }, head: HEAD, seed: 2 });
  try {
    const x1 = tf.tensor4d(randomValues(4 * 16 * 16 * 3, 7), [4, 16, 16, 3]);
    const x2 = tf.tensor4d(randomValues(4 * 8 * 8 * 3, 8), [4, 8, 8, 3]);
    const { value, grads } = tf.variableGrads(
      () => {
        const [z1, z2] = model.forward([x1, x2], { training: true, updateStats: false }) as [
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        return twistLoss(z1, z2).loss;
      },
      model.store.params.map((p) => p.variable),
    );
    t.true(Number.isFinite(value.dataSync()[0]!));
    for (const p of model.store.params) {
      const g = grads[p.variable.name]!;
      t.true(
        tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!) > 0 || p.name.endsWith('last_linear.bias'),
        `${p.name} has no gradient`,
      );
    }
    tf.dispose([value, grads, x1, x2]);
  } finally {
    model.dispose();
  }
});
