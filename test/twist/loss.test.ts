import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import {
  multiCropPairs,
  momentumTwistLoss,
  multiCropTwistLoss,
  selectBackend,
  selfLabelLoss,
  shutdownBackend,
  twistLoss,
} from '../../twist/index.js';

test.before(async () => {
  await selectBackend({ name: 'cpu' });
});
test.after.always(() => shutdownBackend());

const close = (a: number, b: number, tol = 1e-5): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const Z1 = [
  [1, 0, -1],
  [0.5, 2, 0],
];
const Z2 = [
  [0, 1, 0],
  [2, 0, 1],
];

// Reference values: the PyTorch anchor's `twist_loss` (shared/anchors/twist_torch_fmnist.py) in
// float64, torch 1.13, on the same 2×3 logits; gradients by torch autograd.
test('twistLoss on a 2x3 example equals the PyTorch reference, terms and gradients', (t) => {
  const z1 = tf.tensor2d(Z1);
  const z2 = tf.tensor2d(Z2);
  const r = twistLoss(z1, z2);
  t.true(close(r.loss.dataSync()[0]!, 0.620480779972173));
  t.true(close(r.kl.dataSync()[0]!, 0.7738127938389288));
  t.true(close(r.eh.dataSync()[0]!, 0.847994861434967));
  t.true(close(r.he.dataSync()[0]!, 1.0013268753017228));
  const [g1, g2] = tf.grads(
    (a: tf.Tensor, b: tf.Tensor) => twistLoss(a as tf.Tensor2D, b as tf.Tensor2D).loss,
  )([z1, z2]);
  const ref1 = [
    0.16928945138067342, -0.11317892695992579, -0.0561105244207476, -0.18881248985308555, 0.2754890978307166,
    -0.08667660797763108,
  ];
  const ref2 = [
    -0.15057152105840405, 0.08596796509654567, 0.06460355596185838, 0.1580315222981407, -0.19702091945224434,
    0.038989397154103676,
  ];
  g1!.dataSync().forEach((v, i) => t.true(close(v, ref1[i]!, 1e-4), `dz1[${i}] ${v} vs ${ref1[i]}`));
  g2!.dataSync().forEach((v, i) => t.true(close(v, ref2[i]!, 1e-4), `dz2[${i}] ${v} vs ${ref2[i]}`));
});

test('twistLoss with lam1 = -0.6, tau = 0.5 (the ViT weighting) equals the PyTorch reference', (t) => {
  const r = twistLoss(tf.tensor2d(Z1), tf.tensor2d(Z2), { lam1: -0.6, lam2: 1, tau: 0.5 });
  t.true(close(r.loss.dataSync()[0]!, 0.09337660226790323));
  t.true(close(r.kl.dataSync()[0]!, 0.7738127938389288), 'KL ignores tau');
  t.true(close(r.eh.dataSync()[0]!, 0.4554701639988173));
  t.true(close(r.he.dataSync()[0]!, 0.8626242571705525));
});

test('a collapsed input gives kl = 0 and loss = (alpha - beta)·H(p)', (t) => {
  // Every row the same distribution p = softmax([2, 0, -1, 0.5]): KL = 0 and EH = HE = H_eps(p).
  const row = [2, 0, -1, 0.5];
  const z = tf.tensor2d([row, row, row]);
  const e = row.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  const h = -e.map((v) => v / s).reduce((acc, p) => acc + p * Math.log(p + 1e-5), 0);
  for (const lam1 of [0, 0.5, -0.6]) {
    const r = twistLoss(z, z, { lam1 });
    t.true(Math.abs(r.kl.dataSync()[0]!) < 1e-6);
    t.true(close(r.eh.dataSync()[0]!, h) && close(r.he.dataSync()[0]!, h));
    t.true(close(r.loss.dataSync()[0]!, lam1 * h), `lam1 ${lam1}: ${r.loss.dataSync()[0]} vs ${lam1 * h}`);
  }
});

test('a sharp, diverse input approaches -log min(B, C)', (t) => {
  for (const [b, c] of [
    [4, 4],
    [3, 6],
    [8, 4],
  ] as const) {
    const rows = Array.from({ length: b }, (_, i) =>
      Array.from({ length: c }, (_, j) => (j === i % c ? 30 : 0)),
    );
    const r = twistLoss(tf.tensor2d(rows), tf.tensor2d(rows));
    const floor = -Math.log(Math.min(b, c));
    t.true(
      Math.abs(r.loss.dataSync()[0]! - floor) < 1e-3,
      `B=${b} C=${c}: ${r.loss.dataSync()[0]} vs ${floor}`,
    );
  }
});

test('twistLoss rejects inputs of different shapes with a clear error', (t) => {
  const err = t.throws(() => twistLoss(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D));
  t.regex(err.message, /\[2,3\] and \[2,4\]/);
});

test('multi-crop pairs are (0, j≥1) and (1, j≥2): 2n − 3 pairs, no local-local pair', (t) => {
  t.deepEqual(multiCropPairs(2), [[0, 1]]);
  t.deepEqual(multiCropPairs(4), [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
  ]);
  t.is(multiCropPairs(14).length, 25);
  t.throws(() => multiCropPairs(1));
});

test('multiCropTwistLoss averages every term over the pairs (PyTorch reference, 3 views)', (t) => {
  const z3 = [
    [0.3, -0.2, 0.9],
    [1.5, 0.1, -0.4],
  ];
  const r = multiCropTwistLoss([tf.tensor2d(Z1), tf.tensor2d(Z2), tf.tensor2d(z3)]);
  const ref = [0.42236986842354723, 0.5656022532079232, 0.8630366694769274, 1.0062690542613033];
  [r.loss, r.kl, r.eh, r.he].forEach((v, i) => t.true(close(v.dataSync()[0]!, ref[i]!), `term ${i}`));
  const two = multiCropTwistLoss([tf.tensor2d(Z1), tf.tensor2d(Z2)]);
  t.true(close(two.loss.dataSync()[0]!, 0.620480779972173), 'two views = the pair loss');
});

// Reference: spec §4.4(b) in PyTorch (float64): teacher logits T1, T2 for the globals, student Z1, Z2,
// z3; KL(softmax(teacher_i) ‖ softmax(student_j)) over the 4 pairs j ≠ i; EH, HE of softmax(z/τ)
// averaged over the 3 student views.
test('momentumTwistLoss: teacher-to-student KL over the 2(n−1) pairs, EH and HE over all student views (PyTorch reference)', (t) => {
  const z3 = tf.tensor2d([
    [0.3, -0.2, 0.9],
    [1.5, 0.1, -0.4],
  ]);
  const teacher = [
    tf.tensor2d([
      [0.2, 0.7, -0.3],
      [1.1, -0.5, 0.4],
    ]),
    tf.tensor2d([
      [-0.6, 0.3, 0.8],
      [0.9, 0.2, -1.2],
    ]),
  ];
  const student = [tf.tensor2d(Z1), tf.tensor2d(Z2), z3];
  const cases = [
    { opts: {}, ref: [0.11364783557835034, 0.2568802203627266, 0.8630366694769274, 1.0062690542613035] },
    {
      opts: { tau: 0.5, lam1: -0.6 },
      ref: [-0.4143440829222883, 0.2568802203627266, 0.48516902463783734, 0.8652919131401499],
    },
  ];
  for (const { opts, ref } of cases) {
    const r = momentumTwistLoss(teacher, student, opts);
    [r.loss, r.kl, r.eh, r.he].forEach((v, i) =>
      t.true(close(v.dataSync()[0]!, ref[i]!), `${JSON.stringify(opts)} term ${i}: ${v.dataSync()[0]}`),
    );
  }
  t.throws(() => momentumTwistLoss([teacher[0]!], student), { message: /teacher's 2 global views/ });
});

// Reference: SCAN's ConfidenceBasedCE as spec §4.5 adapts it, in PyTorch (float64) on these logits:
// conf = [0.9094, 0.9647, 0.7870, 0.4519], threshold 0.7870 (index ⌊0.5·4⌋ = 2), kept samples 0 and 1
// with pseudo-labels 0 and 1, loss 1.2234697270045096.
test('selfLabelLoss keeps the confident quantile and matches the PyTorch reference', (t) => {
  const a = tf.tensor2d([
    [3, 0, 0],
    [0, 1, 0],
    [0, 0, 2],
    [1, 1, 0],
  ]);
  const b = tf.tensor2d([
    [0, 2, 0],
    [0, 4, 0],
    [1, 0, 0],
    [0, 0, 0.5],
  ]);
  const c = tf.tensor2d([
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [2, 0, 0],
  ]);
  const r = selfLabelLoss([a, b, c], { quantile: 0.5 });
  t.is(r.kept, 2);
  t.true(close(r.threshold, 0.7869860421615985));
  t.true(close(r.loss.dataSync()[0]!, 1.2234697270045096));
  const none = selfLabelLoss([a, b], { quantile: 0 });
  t.is(none.kept, 0, 'threshold at the top confidence keeps nothing (strict >)');
  t.is(none.loss.dataSync()[0], 0);
  t.throws(() => selfLabelLoss([a, b], { quantile: 1.5 }));
});
