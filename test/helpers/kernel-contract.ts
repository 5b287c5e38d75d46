import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import {
  ParamStore,
  TwistModel,
  addLayerNorm,
  gelu,
  layerNorm,
  relu,
  batchNormTrain,
  selectBackend,
  shutdownBackend,
  twistLoss,
  type BackendName,
  type ReplicaSum,
} from '../../twist/index.js';
import { randomValues, relErr } from './compare.js';

/**
 * Runs `fn` (which creates tensors from host values and returns one tensor) on `backend` and returns
 * its values; tensors are created on that backend.
 */
async function valuesOn(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  const prev = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const t = tf.tidy(fn);
    const v = (await t.data()) as Float32Array;
    t.dispose();
    return Float32Array.from(v);
  } finally {
    await tf.setBackend(prev);
  }
}

type Pad = 'same' | 'valid' | number;
interface ConvCase {
  x: [number, number, number, number];
  k: number;
  cout: number;
  stride: number;
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [4, 8, 8, 3], k: 3, cout: 5, stride: 1, pad: 'same' },
  { x: [4, 8, 8, 3], k: 3, cout: 5, stride: 2, pad: 'same' },
  { x: [4, 9, 9, 3], k: 3, cout: 4, stride: 2, pad: 'valid' },
  { x: [3, 7, 7, 5], k: 3, cout: 4, stride: 2, pad: 'same' },
  { x: [3, 7, 7, 5], k: 3, cout: 4, stride: 2, pad: 1 },
  { x: [4, 8, 8, 6], k: 1, cout: 7, stride: 1, pad: 'valid' },
  { x: [4, 8, 8, 6], k: 1, cout: 7, stride: 2, pad: 'valid' },
  { x: [2, 11, 11, 3], k: 1, cout: 4, stride: 2, pad: 'same' },
  { x: [2, 16, 16, 3], k: 7, cout: 4, stride: 2, pad: 3 },
  { x: [2, 15, 15, 4], k: 7, cout: 3, stride: 1, pad: 'valid' },
  { x: [2, 12, 12, 4], k: 7, cout: 3, stride: 2, pad: 'valid' },
  { x: [2, 13, 13, 2], k: 5, cout: 3, stride: 3, pad: 'valid' },
  { x: [2, 28, 28, 1], k: 3, cout: 8, stride: 1, pad: 1 },
  { x: [4, 16, 16, 8], k: 3, cout: 16, stride: 2, pad: 1 },
];

function padOf(
  p: Pad,
): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof p === 'number'
    ? [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ]
    : p;
}

/** `Conv2DBackpropFilter` on fixed host values, as a thunk for {@link valuesOn}. */
function filterGrad(
  xv: Float32Array,
  x4: readonly number[],
  dyv: Float32Array,
  dy4: readonly number[],
  filterShape: [number, number, number, number],
  stride: number,
  pad: Pad,
): () => tf.Tensor {
  return () =>
    tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, [...x4]), dy: tf.tensor(dyv, [...dy4]) }, {
        strides: [stride, stride],
        pad: padOf(pad),
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        filterShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const TOL = 1e-4;

const BN_CASES = [
  [[4, 5, 5, 3], true],
  [[6, 7], false],
] as const;

/**
 * A training-mode batch norm on fixed random inputs (values from `seed`), optionally over a group:
 * the gradients of Σ y·dy for x (and γ, β when affine) and the batch statistics, as one tensor.
 */
function batchNormCase(
  shape: readonly number[],
  affine: boolean,
  seed: number,
  sync?: ReplicaSum,
): () => tf.Tensor {
  const c = shape[shape.length - 1]!;
  const xv = randomValues(tf.util.sizeFromShape([...shape]), seed);
  const dyv = randomValues(xv.length, seed + 2);
  return () => {
    const x = tf.tensor(xv, [...shape]);
    const g = affine ? tf.add(tf.tensor1d(randomValues(c, seed + 4)), 1) : null;
    const b = affine ? tf.tensor1d(randomValues(c, seed + 6)) : null;
    let statsOut: tf.Tensor | undefined;
    const f = (...ps: tf.Tensor[]): tf.Scalar => {
      const { y, stats } = batchNormTrain(
        ps[0]!,
        (ps[1] as tf.Tensor1D) ?? null,
        (ps[2] as tf.Tensor1D) ?? null,
        1e-5,
        sync,
      );
      statsOut = tf.keep(tf.concat([stats.mean, stats.variance]));
      stats.mean.dispose();
      stats.variance.dispose();
      return tf.sum(tf.mul(y, tf.tensor(dyv, [...shape]))) as tf.Scalar;
    };
    const grads = tf.grads(f)([x, ...(g && b ? [g, b] : [])]);
    return tf.concat([...grads.map((gr) => tf.reshape(gr, [-1])), statsOut!]);
  };
}

/**
 * The compute-backend contract: every training kernel the models use, compared with the pure-JS
 * `cpu` backend on random inputs to a normwise relative error below 1e-4, and the gradients of whole
 * TWIST models compared with the `cpu` backend. Registered as ava tests for `backend`.
 */
export function kernelContractSuite(backend: BackendName): void {
  test.before(async () => {
    await selectBackend({ name: backend });
  });
  test.after.always(() => shutdownBackend());

  for (const [i, c] of CONV_CASES.entries()) {
    const title = `${c.k}x${c.k} s${c.stride} pad ${String(c.pad)} x[${c.x.join(',')}]→${c.cout}`;
    test(`${backend}: Conv2DBackpropFilter and Conv2DBackpropInput match cpu, ${title}`, async (t) => {
      const [b, h, w, cin] = c.x;
      const filterShape: [number, number, number, number] = [c.k, c.k, cin, c.cout];
      const xv = randomValues(b * h * w * cin, 11 + i);
      const fv = randomValues(c.k * c.k * cin * c.cout, 101 + i);
      const yShape = tf.tidy(
        () => tf.conv2d(tf.tensor4d(xv, c.x), tf.tensor4d(fv, filterShape), c.stride, padOf(c.pad)).shape,
      );
      const dyv = randomValues(tf.util.sizeFromShape(yShape), 1001 + i);
      const attrs = {
        strides: [c.stride, c.stride],
        pad: padOf(c.pad),
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
      };
      const dy4 = yShape;
      const dw = filterGrad(xv, c.x, dyv, dy4, filterShape, c.stride, c.pad);
      const dx = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dyv, dy4), filter: tf.tensor4d(fv, filterShape) },
            { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
      t.true(relErr(await valuesOn(backend, dw), await valuesOn('cpu', dw)) < TOL, 'dW');
      t.true(relErr(await valuesOn(backend, dx), await valuesOn('cpu', dx)) < TOL, 'dx');
    });
  }

  // oneDNN 2.6 (PyTorch 1.13's) overran a buffer in the weight gradient of a strided 1x1
  // convolution on a channels-last input on AVX2 CPUs when the input's channels are not a multiple
  // of 8 and the stride leaves input rows unread (a ResNet downsample at width 4 on an even size):
  // once it may come out right; repeated, it corrupts the heap and the gradients, or crashes.
  test(`${backend}: a strided 1x1 Conv2DBackpropFilter stays right when repeated (ResNet downsamples)`, async (t) => {
    const cases: [size: number, stride: number, cin: number, cout: number][] = [
      [12, 2, 4, 8],
      [28, 2, 6, 16],
      [12, 3, 1, 4],
    ];
    for (const [i, [size, stride, cin, cout]] of cases.entries()) {
      const x4: [number, number, number, number] = [4, size, size, cin];
      const xv = randomValues(tf.util.sizeFromShape(x4), 211 + i);
      const out = Math.ceil(size / stride);
      const dy4: [number, number, number, number] = [4, out, out, cout];
      const dyv = randomValues(tf.util.sizeFromShape(dy4), 223 + i);
      const dw = filterGrad(xv, x4, dyv, dy4, [1, 1, cin, cout], stride, 'valid');
      const want = await valuesOn('cpu', dw);
      for (let rep = 0; rep < 30; rep++) {
        const err = relErr(await valuesOn(backend, dw), want);
        if (err >= TOL)
          return t.fail(
            `${size} px, stride ${stride}, ${cin}→${cout}, repetition ${rep}: relative error ${err}`,
          );
      }
    }
    t.pass();
  });

  for (const [i, c] of [
    { x: [2, 8, 8, 3], k: 3, mult: 1, stride: 1, pad: 'same' },
    { x: [2, 9, 9, 4], k: 3, mult: 2, stride: 2, pad: 'same' },
    { x: [3, 7, 7, 2], k: 5, mult: 1, stride: 2, pad: 'valid' },
    { x: [2, 10, 10, 3], k: 1, mult: 3, stride: 2, pad: 'valid' },
  ].entries()) {
    test(`${backend}: depthwise conv backprops match cpu, ${c.k}x${c.k} s${c.stride} ${c.pad} mult ${c.mult} x[${c.x.join(',')}]`, async (t) => {
      const x4 = c.x as [number, number, number, number];
      const fShape: [number, number, number, number] = [c.k, c.k, x4[3], c.mult];
      const xv = randomValues(tf.util.sizeFromShape(x4), 21 + i);
      const fv = randomValues(tf.util.sizeFromShape(fShape), 201 + i);
      const loss = (...args: tf.Tensor[]) => {
        const y = tf.depthwiseConv2d(
          args[0] as tf.Tensor4D,
          args[1] as tf.Tensor4D,
          c.stride,
          c.pad as 'same' | 'valid',
        );
        return tf.sum(tf.mul(y, tf.sin(y)));
      };
      const gx = () => tf.grads(loss)([tf.tensor4d(xv, x4), tf.tensor4d(fv, fShape)])[0]!;
      const gf = () => tf.grads(loss)([tf.tensor4d(xv, x4), tf.tensor4d(fv, fShape)])[1]!;
      t.true(relErr(await valuesOn(backend, gx), await valuesOn('cpu', gx)) < TOL, 'dx');
      t.true(relErr(await valuesOn(backend, gf), await valuesOn('cpu', gf)) < TOL, 'dW');
    });
  }

  test(`${backend}: UnsortedSegmentSum (gather's gradient) matches cpu, ids out of range dropped`, async (t) => {
    const xv = randomValues(7 * 5, 31);
    const ids = new Int32Array([3, 0, 3, -1, 9, 1, 0]);
    const f = () => tf.unsortedSegmentSum(tf.tensor2d(xv, [7, 5]), tf.tensor1d(ids, 'int32'), 4);
    t.true(relErr(await valuesOn(backend, f), await valuesOn('cpu', f)) < TOL);
    const g = () =>
      tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.gather(p, tf.tensor1d([2, 0, 2, 1], 'int32')))))(
        tf.tensor2d(xv.subarray(0, 15), [3, 5]),
      );
    t.true(relErr(await valuesOn(backend, g), await valuesOn('cpu', g)) < TOL);
  });

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`${backend}: BatchMatMul transposeA=${ta} transposeB=${tb} matches cpu (batch 1 and 3)`, async (t) => {
      for (const batch of [1, 3]) {
        const a = randomValues(batch * 6 * 9, 41);
        const b = randomValues(batch * 9 * 5, 43);
        const aShape: [number, number, number] = ta ? [batch, 9, 6] : [batch, 6, 9];
        const bShape: [number, number, number] = tb ? [batch, 5, 9] : [batch, 9, 5];
        const f = () => tf.matMul(tf.tensor3d(a, aShape), tf.tensor3d(b, bShape), ta, tb);
        t.true(relErr(await valuesOn(backend, f), await valuesOn('cpu', f)) < TOL);
      }
    });
  }

  test(`${backend}: training-mode BatchNorm (output, batch mean and variance, gradients) matches cpu, NHWC and [N, C], affine or not`, async (t) => {
    for (const [shape, affine] of BN_CASES) {
      const run = batchNormCase(shape, affine, 81);
      const e = relErr(await valuesOn(backend, run), await valuesOn('cpu', run));
      t.true(e < TOL, `[${shape.join(',')}] affine ${affine}: relative error ${e}`);
    }
  });

  test(`${backend}: SyncBatchNorm (a group of 2 with a simulated peer) matches cpu: output, global statistics, gradients`, async (t) => {
    // The peer's contributions are fixed vectors: both backends see the same group.
    const peer: ReplicaSum = {
      worldSize: 2,
      gather: (v) => {
        const c = (v.length - 1) / 2;
        const other = new Float32Array(v.length);
        other[0] = 37;
        for (let ch = 0; ch < c; ch++) {
          other[1 + ch] = 0.3 - 0.2 * ch;
          other[1 + c + ch] = 11 + 3 * ch;
        }
        return [v, other];
      },
      sum: (v) => v.map((x, k) => x + 0.5 * Math.sin(k + 1)),
    };
    for (const [shape, affine] of BN_CASES) {
      const run = batchNormCase(shape, affine, 91, peer);
      const e = relErr(await valuesOn(backend, run), await valuesOn('cpu', run));
      t.true(e < TOL, `[${shape.join(',')}] affine ${affine}: relative error ${e}`);
    }
  });

  test(`${backend}: ReLU (its fused gradient where the backend has one) matches cpu: output and gradient, zero at x ≤ 0`, async (t) => {
    const shape: [number, number, number, number] = [2, 5, 5, 8];
    // Whole numbers of quarters: exact zeros and negatives among them.
    const xv = Float32Array.from(randomValues(400, 81), (v) => Math.round(4 * v) / 4);
    const dyv = randomValues(400, 83);
    const run = (): tf.Tensor => {
      const x = tf.tensor4d(xv, shape);
      const dy = tf.tensor4d(dyv, shape);
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(relu(xx), dy)))(x);
      return tf.concat([relu(x), g].map((v) => tf.reshape(v, [-1])));
    };
    t.true(xv.some((v) => v === 0) && xv.some((v) => v < 0));
    // Exact, up to the sign of zero (ATen's relu keeps −0, tfjs's cpu gives +0).
    const plain = (v: Float32Array): number[] => Array.from(v, (e) => e + 0);
    t.deepEqual(plain(await valuesOn(backend, run)), plain(await valuesOn('cpu', run)));
  });

  test(`${backend}: LayerNorm and GELU (fused where the backend has them) match cpu: outputs and gradients`, async (t) => {
    const shape: [number, number, number] = [3, 5, 8];
    const xv = randomValues(120, 71);
    const dyv = randomValues(120, 73);
    const run = (): tf.Tensor => {
      const store = new ParamStore();
      addLayerNorm(store, 'ln', 8);
      store.get('ln.weight').assign(tf.add(tf.tensor1d(randomValues(8, 75)), 1));
      store.get('ln.bias').assign(tf.tensor1d(randomValues(8, 77)));
      const x = tf.variable(tf.tensor3d(xv, shape));
      const forward = (): tf.Tensor => gelu(layerNorm(store, 'ln', tf.mul(x, 3), 1e-6));
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(forward(), tf.tensor3d(dyv, shape))) as tf.Scalar,
        [x, ...store.params.map((p) => p.variable)],
      );
      const out = tf.concat([forward(), ...Object.values(grads)].map((v) => tf.reshape(v, [-1])));
      store.dispose();
      x.dispose();
      return out;
    };
    const e = relErr(await valuesOn(backend, run), await valuesOn('cpu', run));
    t.true(e < TOL, `relative error ${e}`);
  });

  test(`${backend}: max-pool 3x3/2 pad 1 and average-pool gradients match cpu`, async (t) => {
    const xv = randomValues(2 * 9 * 9 * 3, 51);
    const f = () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.maxPool(x as tf.Tensor4D, 3, 2, 1))))(
        tf.tensor4d(xv, [2, 9, 9, 3]),
      );
    t.true(relErr(await valuesOn(backend, f), await valuesOn('cpu', f)) < TOL);
    const g = () =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.avgPool(x as tf.Tensor4D, [9, 9], [9, 9], 'valid'))))(
        tf.tensor4d(xv, [2, 9, 9, 3]),
      );
    t.true(relErr(await valuesOn(backend, g), await valuesOn('cpu', g)) < TOL);
  });

  const vit = {
    arch: 'vit' as const,
    patchSize: 4,
    embedDim: 12,
    depth: 2,
    numHeads: 3,
    imageSize: 12,
    inChannels: 3,
  };
  for (const spec of [
    {
      backbone: { depth: 18 as const, stem: 'cifar' as const, width: 4, inChannels: 1 },
      size: 12,
      title: 'ResNet-18, cifar stem',
    },
    {
      backbone: { depth: 50 as const, stem: 'imagenet' as const, width: 2, inChannels: 3 },
      size: 32,
      title: 'ResNet-50, imagenet stem',
    },
    { backbone: vit, size: 8, title: 'ViT, interpolated positions' },
  ]) {
    test(`${backend}: gradients of a whole TWIST model (${spec.title}) match cpu`, async (t) => {
      const gradsOn = async (name: string): Promise<Map<string, Float32Array>> => {
        const prev = tf.getBackend();
        await tf.setBackend(name);
        const model = new TwistModel({
          backbone: spec.backbone,
          head: { hidDim: 16, dim: 6, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
          seed: 7,
        });
        try {
          const shape: [number, number, number, number] = [4, spec.size, spec.size, spec.backbone.inChannels];
          const n = tf.util.sizeFromShape(shape);
          const x1 = tf.tensor4d(randomValues(n, 61), shape);
          const x2 = tf.tensor4d(randomValues(n, 67), shape);
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
          const out = new Map<string, Float32Array>();
          for (const p of model.store.params)
            out.set(p.name, Float32Array.from(grads[p.variable.name]!.dataSync()));
          tf.dispose([value, x1, x2, grads]);
          return out;
        } finally {
          model.dispose();
          await tf.setBackend(prev);
        }
      };
      const got = await gradsOn(backend);
      const ref = await gradsOn('cpu');
      // Each parameter's error relative to its own gradient's size, floored at 1e-3 of the largest
      // gradient: some gradients are analytically zero (the bias before the no-affine norm).
      let globalMax = 0;
      for (const g of ref.values()) for (const v of g) globalMax = Math.max(globalMax, Math.abs(v));
      let worst = 0;
      let worstName = '';
      for (const [name, g] of ref) {
        const a = got.get(name)!;
        let diff = 0;
        let scale = 1e-3 * globalMax;
        for (let i = 0; i < g.length; i++) {
          diff = Math.max(diff, Math.abs(a[i]! - g[i]!));
          scale = Math.max(scale, Math.abs(g[i]!));
        }
        if (diff / scale > worst) [worst, worstName] = [diff / scale, name];
      }
      t.true(worst < 1e-3, `worst parameter gradient ${worstName}: relative error ${worst}`);
      t.is(got.size, ref.size);
    });
  }
}

/**
 * Checks the model's gradient against finite differences of the loss itself (no gradient code
 * involved): along the normalised gradient direction d, (L(θ + εd) − L(θ − εd)) / 2ε must equal
 * ‖∇L‖. Registered for `backend`; independent of every other backend.
 */
export function finiteDifferenceSuite(backend: BackendName): void {
  test(`${backend}: the TWIST model's gradient matches central finite differences of its loss`, async (t) => {
    await selectBackend({ name: backend });
    const model = new TwistModel({
      backbone: { depth: 18, width: 4, stem: 'cifar', inChannels: 1 },
      head: { hidDim: 16, dim: 6, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
      seed: 3,
    });
    const shape: [number, number, number, number] = [8, 8, 8, 1];
    const x1 = tf.tensor4d(randomValues(512, 71), shape);
    const x2 = tf.tensor4d(randomValues(512, 73), shape);
    const vars = model.store.params.map((p) => p.variable);
    const loss = () => {
      const [z1, z2] = model.forward([x1, x2], { training: true, updateStats: false }) as [
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      return twistLoss(z1, z2).loss;
    };
    const { value, grads } = tf.variableGrads(loss, vars);
    let norm2 = 0;
    for (const v of vars) for (const g of grads[v.name]!.dataSync()) norm2 += g * g;
    const norm = Math.sqrt(norm2);
    const at = (eps: number): number => {
      const saved = vars.map((v) => v.clone());
      vars.forEach((v) => v.assign(tf.tidy(() => tf.add(v, tf.mul(grads[v.name]!, eps / norm)))));
      const l = tf.tidy(() => loss().dataSync()[0]!);
      vars.forEach((v, i) => v.assign(saved[i]!));
      tf.dispose(saved);
      return l;
    };
    // Richardson extrapolation of two central differences: error O(ε⁴) instead of O(ε²).
    const central = (eps: number): number => (at(eps) - at(-eps)) / (2 * eps);
    const fd = (4 * central(3e-4) - central(6e-4)) / 3;
    tf.dispose([value, grads, x1, x2]);
    model.dispose();
    t.true(norm > 1e-3, `gradient norm ${norm}`);
    t.true(Math.abs(fd - norm) / norm < 0.01, `finite difference ${fd} vs gradient norm ${norm}`);
  });
}
