import test from 'ava';
import { Random } from '../../core/index.js';
import {
  AdamW,
  Lars,
  nativeOptim,
  nativeOptimStatus,
  Sgd,
  sumSquares,
  useNativeOptim,
  type Optimizer,
  type ParamSegment,
} from '../../twist/index.js';
import { bothForms, firstDifference } from '../helpers/compare.js';

/** Segments of odd sizes (every lane remainder), regular and excluded, over `n` values. */
function segmentsOf(rng: Random): { segments: ParamSegment[]; n: number } {
  const segments: ParamSegment[] = [];
  let offset = 0;
  for (let k = 0; k < 9; k++) {
    const size = 1 + Math.floor(rng.next() * 300) + (k === 4 ? 40_000 : 0);
    const regular = k % 3 !== 2;
    segments.push({ name: `p${k}`, offset, size, shape: regular ? [size, 1] : [size], regular });
    offset += size;
  }
  return { segments, n: offset };
}

// `.ci/run` installs g++, so the addon is built wherever the tests run; a machine without a
// compiler gets the TypeScript loops and this test says why the compiled ones are missing.
test('the compiled optimizer loops are built and equal the TypeScript ones bit for bit: LARS, SGD (with and without momentum), AdamW (with clipping), Σx²', (t) => {
  const status = nativeOptimStatus();
  t.true(status.available, `native optimizer loops unavailable: ${status.reason}`);
  const rng = new Random(5);
  const { segments, n } = segmentsOf(rng);
  const start = Float32Array.from({ length: n }, () => rng.normal());
  const grads = Array.from({ length: 4 }, () =>
    Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : rng.normal() * 0.1)),
  );
  const makers: [string, () => Optimizer][] = [
    ['LARS', () => new Lars({ momentum: 0.9, eta: 0.001 })],
    ['SGD', () => new Sgd(0.9)],
    ['SGD without momentum', () => new Sgd(0)],
    ['AdamW', () => new AdamW({ clipGradNorm: 0.5 })],
  ];
  for (const [name, make] of makers) {
    const [a, b] = bothForms(useNativeOptim, () => {
      const opt = make();
      const p = Float32Array.from(start);
      grads.forEach((g, s) =>
        opt.step(p, Float32Array.from(g), segments, { lr: 0.05 * (s + 1), weightDecay: 1e-4 }),
      );
      return { p, state: Object.values(opt.state().buffers) };
    });
    t.is(firstDifference(a.p, b.p), 'none', `${name}: parameters after 4 steps`);
    a.state.forEach((buf, i) => t.is(firstDifference(buf, b.state[i]!), 'none', `${name}: buffer ${i}`));
    t.not(firstDifference(a.p, start), 'none', `${name} moved the parameters`);
  }
  for (const [offset, size] of [
    [0, n],
    [3, 1],
    [7, 2],
    [1, 3],
    [5, 4097],
    [n, 0],
  ] as const) {
    const [x, y] = bothForms(useNativeOptim, () => sumSquares(start, offset, size));
    t.true(Object.is(x, y), `Σx² over [${offset}, ${offset + size}): ${x} and ${y}`);
  }
  const plain = start.slice(5, 5 + 4097).reduce((s, v) => s + v * v, 0);
  t.true(Math.abs(sumSquares(start, 5, 4097) - plain) < 1e-9 * plain, 'Σx² is the sum of squares');
});

test('a range outside a buffer is an error naming the buffer, and nothing is written', (t) => {
  const native = nativeOptim();
  if (!native) return t.fail(`native optimizer loops unavailable: ${nativeOptimStatus().reason}`);
  const p = new Float32Array(8).fill(1);
  const short = new Float32Array(4);
  t.throws(() => native.larsUpdate(p, short, new Float32Array(8), 2, 4, 0, 1, 0.9, true), {
    message: 'grads: [2, 6) is outside its 4 values',
  });
  t.throws(() => native.sumSquares(p, -1, 2), { message: 'x: [-1, 1) is outside its 8 values' });
  t.deepEqual(Array.from(p), new Array<number>(8).fill(1));
});
