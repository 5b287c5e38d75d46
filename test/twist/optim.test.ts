import test from 'ava';
import {
  AdamW,
  clipGradNorm,
  cosineSchedule,
  emaUpdate,
  isRegularWeight,
  Lars,
  lrAt,
  scaledLr,
  Sgd,
  warmupEpochsFor,
  type ParamSegment,
} from '../../twist/index.js';

const close = (a: number, b: number, tol = 1e-6): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const W: ParamSegment = {
  name: 'layer1.0.conv1.weight',
  offset: 0,
  size: 2,
  shape: [1, 1, 1, 2],
  regular: true,
};
const BIAS: ParamSegment = { name: 'bn1.bias', offset: 2, size: 1, shape: [1], regular: false };

test('regular weights are rank > 1 and not biases (spec §4.2 exclusion)', (t) => {
  t.true(isRegularWeight('conv1.weight', [3, 3, 1, 16]));
  t.true(isRegularWeight('projection_heads.last_linear.weight', [512, 10]));
  t.false(isRegularWeight('bn1.weight', [16]));
  t.false(isRegularWeight('projection_heads.projection_head.0.bias', [512]));
});

// Worked by hand: p = (3, 4), ‖p‖ = 5; g = (0.6, 0.8), ‖g‖ = 1; wd 0.1, eta 0.001, lr 2.
// local = 0.001·5 / (1 + 0.1·5) = 1/300; d = (g + 0.1p)·local·lr = (0.9, 1.2)/150 = (0.006, 0.008).
// Bias p = 1, g = 0.5: excluded, no decay, local 1: d = 0.5·2 = 1 → p = 0.
test('LARS single step equals the hand-worked values; excluded parameters get plain SGD at full lr', (t) => {
  const p = new Float32Array([3, 4, 1]);
  const g = new Float32Array([0.6, 0.8, 0.5]);
  const opt = new Lars({ momentum: 0.9, eta: 0.001 });
  opt.step(p, g, [W, BIAS], { lr: 2, weightDecay: 0.1 });
  t.true(close(p[0]!, 2.994) && close(p[1]!, 3.992), `weights ${p[0]}, ${p[1]}`);
  t.true(close(p[2]!, 0), `bias ${p[2]}`);
  // Second step, same gradient: p = (2.994, 3.992), ‖p‖ = 4.99; local = 0.001·4.99/(1 + 0.499);
  // d = (0.6 + 0.2994, 0.8 + 0.3992)·local·2; buf = 0.9·(0.006, 0.008) + d (momentum on the scaled step).
  opt.step(p, g, [W, BIAS], { lr: 2, weightDecay: 0.1 });
  const local = (0.001 * 4.99) / (1 + 0.1 * 4.99);
  const d0 = 0.8994 * local * 2;
  const d1 = 1.1992 * local * 2;
  t.true(close(p[0]!, 2.994 - (0.9 * 0.006 + d0), 1e-5), `${p[0]}`);
  t.true(close(p[1]!, 3.992 - (0.9 * 0.008 + d1), 1e-5), `${p[1]}`);
  t.true(close(p[2]!, 0 - (0.9 * 1 + 1), 1e-6), 'bias momentum');
});

test('LARS uses a trust ratio of 1 when a norm is zero', (t) => {
  const p = new Float32Array([0, 0, 0]);
  const g = new Float32Array([1, 0, 0]);
  new Lars().step(p, g, [W, BIAS], { lr: 0.5, weightDecay: 0 });
  t.true(close(p[0]!, -0.5));
});

// torch.optim.SGD(momentum 0.9, weight_decay 0.1, lr 0.1) on p = 1, g = 0.5, twice:
// step 1: d = 0.6, buf = 0.6, p = 0.94; step 2: d = 0.5 + 0.094 = 0.594, buf = 0.54 + 0.594 = 1.134, p = 0.8266.
test('SGD with momentum and weight decay matches torch.optim.SGD by hand', (t) => {
  const seg: ParamSegment = { ...W, size: 1 };
  const p = new Float32Array([1]);
  const opt = new Sgd(0.9);
  opt.step(p, new Float32Array([0.5]), [seg], { lr: 0.1, weightDecay: 0.1 });
  t.true(close(p[0]!, 0.94));
  opt.step(p, new Float32Array([0.5]), [seg], { lr: 0.1, weightDecay: 0.1 });
  t.true(close(p[0]!, 0.8266, 1e-6));
});

// torch.optim.AdamW(lr 0.1, wd 0.01) on p = 1, g = 0.5: p ← 0.999; m = 0.05, v = 0.00025;
// m̂ = 0.5, v̂ = 0.25; p ← 0.999 − 0.1·0.5/(0.5 + 1e-8) = 0.899 (plus 1e-9).
test('AdamW first step matches torch.optim.AdamW by hand; excluded params are not decayed', (t) => {
  const p = new Float32Array([1, 0, 1]);
  new AdamW().step(p, new Float32Array([0.5, 0, 0.5]), [W, BIAS], { lr: 0.1, weightDecay: 0.01 });
  t.true(close(p[0]!, 0.899, 1e-6), `${p[0]}`);
  t.true(close(p[2]!, 0.9, 1e-6), `bias ${p[2]}`);
});

test('global-norm clipping scales by max / (norm + 1e-6) only when above the limit', (t) => {
  const g = new Float32Array([3, 4]);
  t.is(clipGradNorm(g, 1), 5);
  t.true(close(g[0]!, 0.6 / (1 + 2e-7), 1e-6) && close(g[1]!, 0.8 / (1 + 2e-7), 1e-6));
  const h = new Float32Array([0.3, 0.4]);
  clipGradNorm(h, 1);
  t.deepEqual(Array.from(h), [Math.fround(0.3), Math.fround(0.4)]);
});

test('lr scaling, warmup length and the warmup-cosine schedule of spec §4.2', (t) => {
  t.is(scaledLr(0.5, 2048), 4);
  t.deepEqual(
    [warmupEpochsFor(800), warmupEpochsFor(50), warmupEpochsFor(21), warmupEpochsFor(20), warmupEpochsFor(5)],
    [10, 5, 5, 3, 3],
  );
  const c = { lr: 4, warmupSteps: 10, mmeSteps: 110, totalSteps: 110 };
  t.is(lrAt(0, c), 0);
  t.is(lrAt(5, c), 2);
  t.is(lrAt(10, c), 4);
  t.true(
    close(lrAt(60, c), 4 * (0.5 + 0.001 * 0.5)),
    'half-way through the cosine: lr·(q + 0.001(1 − q)), q = ½',
  );
  const q = 0.5 * (1 + Math.cos((Math.PI * 99) / 100));
  t.true(close(lrAt(109, c), 4 * (q + 0.001 * (1 - q))), 'last step, next to 0.001·lr');
  // Self-labeling: 20 more steps, 5 of warmup to lr_sl = 0.4, then cosine to 0.0004.
  const sl = { ...c, totalSteps: 130, lrSl: 0.4, slWarmupSteps: 5 };
  t.is(lrAt(110, sl), 0);
  t.true(close(lrAt(113, sl), 0.24));
  t.true(close(lrAt(115, sl), 0.4));
  t.true(close(lrAt(130, sl), 0.0004));
  t.throws(() => lrAt(0, { lr: 1, warmupSteps: 20, mmeSteps: 10, totalSteps: 10 }));
});

test('cosine schedule (DINO) for weight decay and EMA momentum; EMA update', (t) => {
  t.true(close(cosineSchedule(0.04, 0.4, 0, 100), 0.04));
  t.true(close(cosineSchedule(0.04, 0.4, 50, 100), 0.22));
  t.true(close(cosineSchedule(0.996, 1, 99, 100), 1 - 0.002 * (1 + Math.cos((Math.PI * 99) / 100)), 1e-9));
  const teacher = new Float32Array([1, 2]);
  emaUpdate(teacher, new Float32Array([3, 4]), 0.9);
  t.true(close(teacher[0]!, 1.2) && close(teacher[1]!, 2.2));
});
