import test from 'ava';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readManifest } from '../../checkpoint/index.js';
import { checkClusterConfig } from '../../client/index.js';
import { FASHION_MNIST_DIR } from '../../data/index.js';
import { RECIPE_NAMES, RECIPES } from '../../twist/index.js';
import { writeImageFolder } from '../helpers/image-folder.js';
import { jsonLines, runCli } from '../helpers/run-cli.js';

let folder: string;
test.before(async () => {
  // 3 classes × 6 images and one file that is not an image.
  folder = await writeImageFolder(3, 6, true);
});

test('--print-config shows a recipe merged with the flags given', async (t) => {
  const r = await runCli([
    'train',
    '--recipe',
    'resnet50-multicrop',
    '--epochs',
    '10',
    '--lr',
    '0.3',
    '--print-config',
  ]);
  t.is(r.code, 0, r.stderr);
  const cfg = JSON.parse(r.stdout) as Record<string, unknown>;
  t.like(cfg, {
    recipe: 'resnet50-multicrop',
    arch: 'resnet',
    depth: 50,
    width: 64,
    stem: 'imagenet',
    batchSize: 2048,
    aug: 'multicrop',
    locals: 12,
    imageSize: 224,
    dim: 4096,
    hidDim: 4096,
    optimizer: 'lars',
    mmeEpochs: 800,
    lrSl: 0.05,
    // The flags win.
    epochs: 10,
    baseLr: 0.3,
  });
  const vit = JSON.parse((await runCli(['train', '--recipe', 'vit-b', '--print-config'])).stdout) as Record<
    string,
    unknown
  >;
  t.like(vit, {
    arch: 'vit-b',
    optimizer: 'adamw',
    baseLr: 7.5e-4,
    weightDecay: 0.06,
    weightDecayEnd: 0.06,
    clipGrad: 3,
    lam1: -0.6,
    headAct: 'gelu',
    momentumEncoder: 0.996,
    dropPath: 0.1,
    locals: 10,
    epochs: 300,
    mmeEpochs: 300,
  });
  const bad = await runCli(['train', '--recipe', 'resnet99', '--print-config']);
  t.not(bad.code, 0);
  t.regex(
    bad.stderr,
    /unknown recipe 'resnet99': expected one of resnet50, resnet50-multicrop, resnet50w2, vit-s, vit-b/,
  );
});

for (const name of RECIPE_NAMES) {
  test.serial(`recipe ${name} runs one step at reduced size`, async (t) => {
    const r = await runCli([
      'train',
      '--local',
      '--recipe',
      name,
      '--image-size',
      '32',
      '--batch-size',
      '4',
      '--max-steps',
      '1',
      '--log-every',
      '1',
      '--data-path',
      folder,
    ]);
    t.is(r.code, 0, r.stderr);
    const views = 2 + (RECIPES[name].aug === 'multicrop' ? RECIPES[name].locals : 0);
    t.regex(r.stderr, new RegExp(`${views} RGB views of 32 px`));
    const [step] = jsonLines(r.stdout);
    t.is(step?.['step'], 1);
    t.true(Number.isFinite(step?.['loss']), r.stdout);
    // Step 0 of the warmup: lr 0.
    t.is(step?.['lr'], 0);
  });
}

test.serial(
  'twist train --local --recipe vit-s --image-size 32 --epochs 1 on an ImageFolder: a corrupt file is skipped with a warning; the checkpoint holds the teacher',
  async (t) => {
    const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'twist-vit-')), 'run');
    const r = await runCli([
      'train',
      '--local',
      '--recipe',
      'vit-s',
      '--image-size',
      '32',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--data-path',
      folder,
      '--run-dir',
      runDir,
    ]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /warning: skipping .*zz-corrupt\.jpg/);
    const [epoch] = jsonLines(r.stdout);
    // 19 files, 8 per batch: 2 steps.
    t.is(epoch?.['steps'], 2);
    const manifest = await readManifest(path.join(runDir, 'step-2'));
    t.like(manifest.config, {
      arch: 'vit-s',
      channels: 3,
      imageSize: 32,
      localSize: 16,
      momentumEncoder: 0.996,
    });
    const names = new Set(manifest.tensors.map((x) => x.name));
    for (const n of [
      'backbone.cls_token',
      'teacher.backbone.cls_token',
      'teacher.projection_heads.last_linear.weight',
    ])
      t.true(names.has(n), n);
  },
);

test.serial(
  'a run reaching --mme-epochs switches to self-labeling: its own lr warmup from 0, a threshold and kept samples',
  async (t) => {
    const r = await runCli([
      'train',
      '--local',
      '--recipe',
      'resnet50-multicrop',
      '--image-size',
      '32',
      '--batch-size',
      '8',
      '--epochs',
      '2',
      '--mme-epochs',
      '1',
      '--locals',
      '2',
      '--hid-dim',
      '64',
      '--dim',
      '16',
      '--log-every',
      '1',
      '--data-path',
      folder,
    ]);
    t.is(r.code, 0, r.stderr);
    const steps = jsonLines(r.stdout).filter((l) => 'step' in l);
    t.is(steps.length, 4);
    for (const s of steps.slice(0, 2)) t.is(s['kept'], undefined);
    const [s3, s4] = steps.slice(2) as [Record<string, number>, Record<string, number>];
    // Self-labeling warmup over min(5 epochs, the phase) = 2 steps from lr_sl = 0.05 × 8 / 256.
    t.is(s3['lr'], 0);
    t.true(Math.abs(s4['lr']! - (0.05 * 8) / 256 / 2) < 1e-12, String(s4['lr']));
    for (const s of [s3, s4]) {
      t.true(s['kept']! >= 0 && s['kept']! < 8, JSON.stringify(s));
      t.true(s['threshold']! > 0 && s['threshold']! <= 1);
      t.true(Number.isFinite(s['loss']));
    }
  },
);

test('a cluster run takes every recipe form, and refuses a config the data cannot take before scheduling, naming the field', async (t) => {
  const base = { dataPath: '/nonexistent', epochs: 10, batchSize: 8 };
  for (const extra of [
    {},
    { aug: 'multicrop', locals: 2 },
    { momentumEncoder: 0.996 },
    { mmeEpochs: 5 },
    { arch: 'vit-s', imageSize: 32 },
    { dataPath: folder, imageSize: 32 },
  ])
    await t.notThrowsAsync(checkClusterConfig({ ...base, ...extra }), JSON.stringify(extra));
  for (const [extra, field] of [
    [{ batchSize: 'many' }, /batchSize/],
    [{ momentumEncoder: 0.996, mmeEpochs: 5 }, /^mmeEpochs 5 < epochs 10 with momentumEncoder/],
    [{ arch: 'vit-s', imageSize: 28 }, /^imageSize 28: a vit-s needs a multiple of its patch \(16\) px/],
    // The data is here: a ViT on Fashion-MNIST's 28-px images, with no --image-size.
    [{ arch: 'vit-s', dataPath: FASHION_MNIST_DIR }, /^imageSize 28: a vit-s/],
    [{ dataPath: folder, subsetFile: '/nonexistent/subset.txt' }, /subset/],
  ] as const) {
    const err = await t.throwsAsync(checkClusterConfig({ ...base, ...extra }));
    t.regex(err.message, field);
  }
});
