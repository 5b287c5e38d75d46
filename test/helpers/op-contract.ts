import test from 'ava';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, shutdownBackend, type BackendName } from '../../twist/index.js';
import { randomValues, relErr } from './compare.js';

/** An op case: builds its inputs from host values (same on every backend) and returns tensors. */
type Case = [name: string, fn: () => tf.Tensor | tf.Tensor[]];

const r = (shape: number[], seed: number, scale = 1): tf.Tensor =>
  tf.tensor(
    randomValues(tf.util.sizeFromShape(shape), seed).map((v) => v * scale),
    shape,
  );
const pos = (shape: number[], seed: number): tf.Tensor => tf.add(tf.abs(r(shape, seed)), 0.1);
const ints = (values: number[], shape?: number[]): tf.Tensor => tf.tensor(values, shape, 'int32');

const CASES: Case[] = [
  ...(
    [
      ['abs', tf.abs],
      ['neg', tf.neg],
      ['exp', tf.exp],
      ['expm1', tf.expm1],
      ['sin', tf.sin],
      ['cos', tf.cos],
      ['tanh', tf.tanh],
      ['sigmoid', tf.sigmoid],
      ['relu', tf.relu],
      ['relu6', tf.relu6],
      ['elu', tf.elu],
      ['softplus', tf.softplus],
      ['erf', tf.erf],
      ['sign', tf.sign],
      ['floor', tf.floor],
      ['ceil', tf.ceil],
      ['round', tf.round],
      ['square', tf.square],
      ['tan', tf.tan],
    ] as [string, (x: tf.Tensor) => tf.Tensor][]
  ).map(([n, f]): Case => [n, () => f(r([3, 5, 4], 1, 3))]),
  ...(
    [
      ['log', tf.log],
      ['log1p', tf.log1p],
      ['sqrt', tf.sqrt],
      ['rsqrt', tf.rsqrt],
      ['reciprocal', tf.reciprocal],
    ] as [string, (x: tf.Tensor) => tf.Tensor][]
  ).map(([n, f]): Case => [n, () => f(pos([3, 5, 4], 2))]),
  ['leakyRelu', () => tf.leakyRelu(r([4, 6], 3), 0.2)],
  ['clipByValue', () => tf.clipByValue(r([4, 6], 3), -0.3, 0.5)],
  [
    'isNaN / isInf / logicalNot',
    () => [
      tf.isNaN(tf.tensor([1, NaN, Infinity])),
      tf.isInf(tf.tensor([1, NaN, -Infinity])),
      tf.logicalNot(tf.tensor([1, 0], undefined, 'bool')),
    ],
  ],
  ...(
    [
      ['add', tf.add],
      ['sub', tf.sub],
      ['mul', tf.mul],
      ['div', tf.div],
      ['maximum', tf.maximum],
      ['minimum', tf.minimum],
      ['squaredDifference', tf.squaredDifference],
      ['atan2', tf.atan2],
      ['equal', tf.equal],
      ['notEqual', tf.notEqual],
      ['less', tf.less],
      ['lessEqual', tf.lessEqual],
      ['greater', tf.greater],
      ['greaterEqual', tf.greaterEqual],
    ] as [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][]
  ).map(([n, f]): Case => [`${n} (broadcast)`, () => f(r([2, 3, 4], 4), r([3, 1], 5))]),
  ['pow', () => tf.pow(pos([3, 4], 6), r([4], 7, 2))],
  [
    'floorDiv / mod (int32)',
    () => [
      tf.floorDiv(ints([7, -7, 9, -3]), ints([2, 2, -4, 5])),
      tf.mod(ints([7, -7, 9, -3]), ints([2, 2, -4, 5])),
    ],
  ],
  ['mod (float)', () => tf.mod(r([6], 8, 5), tf.scalar(1.5))],
  [
    'logicalAnd / logicalOr',
    () => [
      tf.logicalAnd(tf.greater(r([8], 9), 0), tf.less(r([8], 10), 0)),
      tf.logicalOr(tf.greater(r([8], 9), 0), tf.less(r([8], 10), 0)),
    ],
  ],
  ['where', () => tf.where(tf.greater(r([3, 4], 11), 0), r([3, 4], 12), r([3, 4], 13))],
  ['addN', () => tf.addN([r([3, 4], 14), r([3, 4], 15), r([3, 4], 16)])],
  ...(['sum', 'mean', 'max', 'min', 'prod'] as const).flatMap((op): Case[] => [
    [`${op} all`, () => tf[op](r([3, 4, 5], 17))],
    [`${op} axis 1 keepDims`, () => tf[op](r([3, 4, 5], 18), 1, true)],
    [`${op} axes [0, 2]`, () => tf[op](r([3, 4, 5], 19), [0, 2])],
  ]),
  ['sum / mean of int32', () => [tf.sum(ints([1, 2, 3, 4], [2, 2]), 0), tf.sum(ints([1, 2, 3, 4], [2, 2]))]],
  [
    'all / any',
    () => [tf.all(tf.greater(r([4, 5], 20), -0.9), 1), tf.any(tf.greater(r([4, 5], 21), 0.8), 0)],
  ],
  ['argMax / argMin', () => [tf.argMax(r([4, 7], 22), 1), tf.argMin(r([4, 7], 23), 0)]],
  [
    'topk values and indices',
    () => {
      const t = tf.topk(r([5, 9], 24), 3);
      return [t.values, t.indices];
    },
  ],
  ['softmax / logSoftmax', () => [tf.softmax(r([4, 6], 25, 4)), tf.logSoftmax(r([4, 6], 26, 4))]],
  ['reshape / transpose', () => tf.transpose(tf.reshape(r([2, 3, 4], 27), [4, 6]), [1, 0])],
  ['transpose 4-d then an op', () => tf.add(tf.transpose(r([2, 3, 4, 5], 28), [0, 3, 1, 2]), 1)],
  ['slice', () => tf.slice(r([4, 5, 6], 29), [1, 0, 2], [2, -1, 3])],
  [
    'concat / split',
    () => [tf.concat([r([2, 3], 30), r([2, 5], 31)], 1), ...tf.split(r([6, 4], 32), [1, 2, 3], 0)],
  ],
  ['stack / unstack', () => [tf.stack([r([2, 3], 33), r([2, 3], 34)], 1), ...tf.unstack(r([3, 4], 35), 1)]],
  [
    'pad',
    () =>
      tf.pad(
        r([2, 3, 4], 36),
        [
          [0, 1],
          [2, 0],
          [1, 1],
        ],
        0.5,
      ),
  ],
  ['tile / broadcastTo', () => [tf.tile(r([2, 3], 37), [2, 3]), tf.broadcastTo(r([1, 3], 38), [4, 3])]],
  ['reverse', () => tf.reverse(r([3, 4, 2], 39), [0, 2])],
  [
    'gather',
    () => [
      tf.gather(r([5, 3], 40), ints([4, 0, 4, 2]), 0),
      tf.gather(r([2, 5, 3], 41), ints([1, 3], [2]), 1),
    ],
  ],
  ['oneHot (out-of-range index: a row of zeros)', () => tf.oneHot(ints([0, 3, 2, 7]), 5)],
  [
    'unsortedSegmentSum',
    () => tf.unsortedSegmentSum(r([6, 2], 42), ints([0, 2, 2, 1, 0, 3]) as tf.Tensor1D, 4),
  ],
  [
    'cast',
    () => [
      tf.cast(r([6], 43, 4), 'int32'),
      tf.cast(r([6], 44), 'bool'),
      tf.cast(ints([0, 2, -1]), 'float32'),
    ],
  ],
  [
    'fill / zerosLike / onesLike / range',
    () => [
      tf.fill([2, 3], 1.5),
      tf.zerosLike(r([2, 2], 45)),
      tf.onesLike(r([3], 46)),
      tf.range(0, 7, 2),
      tf.range(5, 1, -1.5),
    ],
  ],
  ...(
    [
      [false, false],
      [true, false],
      [false, true],
    ] as const
  ).map(([align, half]): Case => [
    `resizeBilinear alignCorners=${align} halfPixelCenters=${half}`,
    () => [
      tf.image.resizeBilinear(r([2, 5, 7, 3], 47) as tf.Tensor4D, [8, 4], align, half),
      tf.image.resizeBilinear(r([2, 5, 7, 3], 48) as tf.Tensor4D, [3, 11], align, half),
    ],
  ]),
  [
    'conv2d with dilations',
    () =>
      tf.conv2d(r([2, 9, 9, 3], 49) as tf.Tensor4D, r([3, 3, 3, 4], 50) as tf.Tensor4D, 1, 'same', 'NHWC', 2),
  ],
  ['avgPool same (uneven windows)', () => tf.avgPool(r([2, 7, 7, 3], 51) as tf.Tensor4D, 3, 2, 'same')],
];

async function run(
  backend: string,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ values: number[][]; shapes: number[][]; dtypes: string[] }> {
  const prev = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    const res = {
      values: list.map((t) => Array.from(t.dataSync())),
      shapes: list.map((t) => t.shape),
      dtypes: list.map((t) => t.dtype),
    };
    tf.dispose(list);
    return res;
  } finally {
    await tf.setBackend(prev);
  }
}

/**
 * The element-wise, reduction and shape kernels of a backend against the `cpu` backend: same shapes,
 * same dtypes, values within 1e-5 normwise (integers and booleans exactly).
 */
export function opContractSuite(backend: BackendName): void {
  test.before(async () => {
    await selectBackend({ name: backend });
  });
  test.after.always(() => shutdownBackend());
  for (const [name, fn] of CASES) {
    test(`${backend}: ${name} matches cpu`, async (t) => {
      const got = await run(backend, fn);
      const ref = await run('cpu', fn);
      t.deepEqual(got.shapes, ref.shapes, 'shapes');
      t.deepEqual(got.dtypes, ref.dtypes, 'dtypes');
      for (let i = 0; i < ref.values.length; i++) {
        if (ref.dtypes[i] === 'float32') {
          const e = relErr(
            got.values[i]!.map((v) => (Number.isNaN(v) ? 0 : v)),
            ref.values[i]!.map((v) => (Number.isNaN(v) ? 0 : v)),
          );
          t.true(e < 1e-5, `output ${i}: relative error ${e}`);
          t.deepEqual(
            got.values[i]!.map(Number.isNaN),
            ref.values[i]!.map(Number.isNaN),
            `output ${i}: NaNs`,
          );
        } else t.deepEqual(got.values[i], ref.values[i], `output ${i}`);
      }
    });
  }
}
