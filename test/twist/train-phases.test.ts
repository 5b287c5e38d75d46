import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../core/index.js';
import type { VisionTransformer } from '../../twist/index.js';
import {
  buildTrainer,
  captureTrainState,
  chunkedVariableGrads,
  multiCropTwistLoss,
  TwistModel,
  hyperAt,
  LocalTrainConfigSchema,
  recipeFields,
  restoreTrainState,
  runSchedule,
  selectBackend,
  shutdownBackend,
  type LocalTrainConfig,
} from '../../twist/index.js';

test.before(async () => {
  await selectBackend({ name: 'cpu' });
});
test.after.always(() => shutdownBackend());

const tiny = (extra: Partial<LocalTrainConfig> = {}): LocalTrainConfig =>
  LocalTrainConfigSchema.parse({
    dataPath: '-',
    width: 4,
    hidDim: 16,
    dim: 8,
    channels: 3,
    imageSize: 16,
    batchSize: 256,
    seed: 2,
    ...extra,
  });

test('the schedules of a run with self-labeling: lr_sl warmup and cosine, the quantile cosine 0.5 → 0.6, the EMA momentum 0.996 → 1', (t) => {
  const cfg = tiny({
    ...recipeFields('resnet50-multicrop'),
    epochs: 10,
    mmeEpochs: 8,
    batchSize: 512,
    momentumEncoder: 0.996,
  });
  const spe = 10;
  const s = runSchedule(cfg, spe);
  t.like(s, { lr: 1, warmupSteps: 30, mmeSteps: 80, totalSteps: 100, lrSl: 0.1, slWarmupSteps: 50 });
  t.is(hyperAt(cfg, s, 79).quantile, undefined);
  t.is(hyperAt(cfg, s, 80).quantile, 0.5);
  t.true(Math.abs(hyperAt(cfg, s, 99).quantile! - 0.6) < 1e-3);
  // The phase is 20 steps: its warmup is capped at them, so lr climbs from 0 over the whole phase.
  t.is(hyperAt(cfg, s, 80).lr, 0);
  t.true(Math.abs(hyperAt(cfg, s, 90).lr - 0.05) < 1e-12);
  t.is(hyperAt(cfg, s, 0).momentum, 0.996);
  t.true(Math.abs(hyperAt(cfg, s, 40).momentum! - 0.998) < 1e-4);
  t.true(hyperAt(cfg, s, 79).momentum! > 0.99999);
  // No phase: no quantile ever.
  const plain = tiny({ epochs: 2 });
  t.is(hyperAt(plain, runSchedule(plain, 5), 9).quantile, undefined);
});

test('a step with a momentum encoder: the teacher starts as the student, then moves by EMA towards it; multi-crop views of two sizes', (t) => {
  const cfg = tiny({ aug: 'multicrop', locals: 2, optimizer: 'adamw', baseLr: 0.5, momentumEncoder: 0.9 });
  const { model, step } = buildTrainer(cfg);
  const teacher = step.teacherFlat!;
  t.deepEqual(teacher.values, step.flat.values);
  const before = Float32Array.from(teacher.values);
  const rng = new Random(4);
  const views = [16, 16, 8, 8].map((s) =>
    tf.tensor4d(
      Float32Array.from({ length: 6 * s * s * 3 }, () => rng.normal()),
      [6, s, s, 3],
    ),
  );
  const r = step.run(views, { lr: 0.01, weightDecay: 0.05, momentum: 0.9 });
  t.true(Number.isFinite(r.loss) && r.kl >= 0);
  let moved = 0;
  for (let i = 0; i < before.length; i++) {
    const want = 0.9 * before[i]! + 0.1 * step.flat.values[i]!;
    t.true(Math.abs(teacher.values[i]! - want) <= 1e-6 * Math.max(1, Math.abs(want)));
    if (step.flat.values[i] !== before[i]) moved++;
  }
  t.true(moved > before.length / 2, `${moved} of ${before.length} parameters moved`);
  // The uploaded teacher variables hold the flat values.
  const p = step.teacher!.store.params[0]!;
  const seg = teacher.segments.find((s) => s.name === p.name)!;
  t.deepEqual(
    Array.from(p.variable.dataSync()).slice(0, 5),
    Array.from(teacher.values.subarray(seg.offset, seg.offset + 5)),
  );
  t.throws(() => step.run(views, { lr: 0.01, weightDecay: 0 }), { message: /needs hyper.momentum/ });
  tf.dispose(views);
  model.dispose();
  step.teacher!.dispose();
});

test("a run's state holds the teacher as teacher.<name> and restores it", (t) => {
  const cfg = tiny({ momentumEncoder: 0.99 });
  const a = buildTrainer(cfg);
  const rng = new Random(1);
  a.step.teacherFlat!.values.forEach((_, i, v) => (v[i] = rng.normal()));
  const parts = (x: ReturnType<typeof buildTrainer>) => ({
    store: x.model.store,
    flat: x.step.flat,
    optimizer: x.optimizer,
    rng: new Random(0),
    samplerSeed: 2,
    teacher: { store: x.step.teacher!.store, flat: x.step.teacherFlat! },
  });
  const state = captureTrainState(parts(a), { step: 3, epoch: 0, stepInEpoch: 3 }, 8);
  const names = state.tensors.map((x) => x.name);
  t.true(names.includes('teacher.backbone.conv1.weight'));
  t.true(names.includes('teacher.projection_heads.norm.running_mean'));
  const b = buildTrainer(cfg);
  restoreTrainState(parts(b), state.tensors);
  t.deepEqual(b.step.teacherFlat!.values, a.step.teacherFlat!.values);
  const noTeacher = state.tensors.filter((x) => !x.name.startsWith('teacher.backbone.conv1.'));
  t.throws(() => restoreTrainState(parts(b), noTeacher), {
    message: /no tensor teacher\.backbone\.conv1\.weight/,
  });
  for (const x of [a, b]) {
    x.model.dispose();
    x.step.teacher!.dispose();
  }
});

test('a ViT backbone run in chunks with recomputation gives the gradients of one pass, drop-path masks replayed', (t) => {
  const model = new TwistModel({
    backbone: {
      arch: 'vit',
      patchSize: 4,
      imageSize: 8,
      inChannels: 3,
      embedDim: 16,
      depth: 2,
      numHeads: 2,
      dropPathRate: 0.5,
    },
    head: { hidDim: 12, dim: 6, norm: 'bn', act: 'gelu', drop: 0, init: 'trunc_normal' },
    seed: 3,
  });
  const rng = new Random(9);
  const views = [8, 8, 4].map((s) =>
    tf.tensor4d(
      Float32Array.from({ length: 6 * s * s * 3 }, () => rng.normal()),
      [6, s, s, 3],
    ),
  );
  const ctx = { training: true };
  const lossOf = (zs: tf.Tensor2D[]): tf.Scalar => multiCropTwistLoss(zs).loss;
  const vars = model.store.params.map((p) => p.variable);
  const vit = model.backbone as VisionTransformer;
  const start = vit.rng.getState();
  const chunked = chunkedVariableGrads(model, views, ctx, 4, lossOf);
  const after = vit.rng.getState();
  // The reference: one recorded pass over the same chunks in the same order, from the same state.
  vit.rng.setState(start);
  const reference = tf.variableGrads(() => {
    const feats = model.resolutionGroups(views).flatMap((g) => {
      const x = tf.concat(g, 0) as tf.Tensor4D;
      return Array.from({ length: Math.ceil(x.shape[0] / 4) }, (_, k) =>
        vit.forward(tf.slice(x, [4 * k, 0, 0, 0], [Math.min(4, x.shape[0] - 4 * k), -1, -1, -1]), ctx),
      );
    });
    return lossOf(model.headPerView(tf.concat(feats, 0) as tf.Tensor2D, views.length, ctx));
  }, vars);
  t.deepEqual(vit.rng.getState(), after);
  t.true(Math.abs(chunked.value.dataSync()[0]! - reference.value.dataSync()[0]!) < 1e-5);
  // Each parameter's error relative to its own gradient's size, floored at 1e-3 of the largest
  // (a gradient that is zero in exact arithmetic, like the final norm's bias under the head's
  // BatchNorm, is rounding noise on both sides).
  const norms = vars.map((v) => Math.hypot(...reference.grads[v.name]!.dataSync()));
  const floor = 1e-3 * Math.max(...norms);
  let worst = 0;
  vars.forEach((v, k) => {
    const a = chunked.grads[v.name]!.dataSync();
    const b = reference.grads[v.name]!.dataSync();
    let num = 0;
    for (let i = 0; i < a.length; i++) num += (a[i]! - b[i]!) ** 2;
    worst = Math.max(worst, Math.sqrt(num) / Math.max(norms[k]!, floor));
  });
  t.true(worst < 1e-4, `worst relative difference ${worst}`);
  t.log(`worst relative gradient difference ${worst.toExponential(2)}`);
  tf.dispose([
    chunked.value,
    reference.value,
    ...Object.values(chunked.grads),
    ...Object.values(reference.grads),
    ...views,
  ]);
  model.dispose();
});
