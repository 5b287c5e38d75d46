import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../core/index.js';
import {
  buildTrainer,
  captureTrainState,
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
