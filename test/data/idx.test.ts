import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileCorruptError, DataFileMissingError } from '../../core/index.js';
import { FASHION_MNIST_DIR, epochOrder, loadMnistSplit, parseIdx } from '../../data/index.js';
import { idxBytes, writeMnistDir } from '../helpers/mnist-files.js';

test('parseIdx reads raw and gzipped IDX files', (t) => {
  const raw = idxBytes([2, 3], new Uint8Array([1, 2, 3, 4, 5, 6]));
  for (const bytes of [raw, gzipSync(raw)]) {
    const a = parseIdx(bytes, 'x.idx');
    t.deepEqual(a.dims, [2, 3]);
    t.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
  }
});

test('parseIdx names the file and the problem for corrupt input', (t) => {
  const good = idxBytes([2, 3], new Uint8Array(6));
  const bad = (bytes: Uint8Array, re: RegExp) => {
    const err = t.throws(() => parseIdx(bytes, '/data/train-images-idx3-ubyte'), {
      instanceOf: DataFileCorruptError,
    });
    t.regex(err.message, /\/data\/train-images-idx3-ubyte/);
    t.regex(err.message, re);
  };
  bad(good.subarray(0, good.length - 1), /need 6 values, the file has 5 \(truncated\)/);
  bad(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 1, 0]), /bad IDX magic/);
  const f32 = Uint8Array.from(good);
  f32[2] = 0x0d;
  bad(f32, /not unsigned byte/);
  bad(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), /not a valid gzip stream/);
  bad(new Uint8Array([0, 0]), /too short/);
});

test('loadMnistSplit loads images and labels; a missing or inconsistent file is a clear error', async (t) => {
  const dir = writeMnistDir(10, 6, 3);
  const split = await loadMnistSplit(dir, 'train');
  t.is(split.count, 10);
  t.is(split.height, 6);
  t.is(split.numClasses, 3);
  t.deepEqual(Array.from(split.labels.slice(0, 4)), [0, 1, 2, 0]);
  const empty = mkdtempSync(path.join(os.tmpdir(), 'twist-empty-'));
  const missing = await t.throwsAsync(loadMnistSplit(empty, 'train'), { instanceOf: DataFileMissingError });
  t.regex(missing.message, /train-images-idx3-ubyte/);
  writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([9], new Uint8Array(9))));
  const mismatch = await t.throwsAsync(loadMnistSplit(dir, 'train'), { instanceOf: DataFileCorruptError });
  t.regex(mismatch.message, /9 labels for 10 images/);
});

test('epochOrder is a permutation, the same for the same (seed, epoch), different across epochs', (t) => {
  const a = epochOrder(1000, 3, 0);
  t.deepEqual(
    Array.from(a).sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  t.deepEqual(a, epochOrder(1000, 3, 0));
  t.notDeepEqual(a, epochOrder(1000, 3, 1));
});

// Debian's dataset-fashion-mnist (installed by .ci/run): the real files parse with the documented sizes.
test('Fashion-MNIST from dataset-fashion-mnist: 60000 + 10000 images of 28x28, 6000 per class', async (t) => {
  t.true(
    existsSync(FASHION_MNIST_DIR),
    `${FASHION_MNIST_DIR} is missing: apt-get install dataset-fashion-mnist`,
  );
  const train = await loadMnistSplit(FASHION_MNIST_DIR, 'train');
  const test10k = await loadMnistSplit(FASHION_MNIST_DIR, 't10k');
  t.is(train.count, 60000);
  t.is(test10k.count, 10000);
  t.is(train.height, 28);
  t.is(train.numClasses, 10);
  const perClass = new Array<number>(10).fill(0);
  for (const l of train.labels) perClass[l]!++;
  t.true(perClass.every((c) => c === 6000));
  let sum = 0;
  for (const v of train.images) sum += v;
  t.true(Math.abs(sum / train.images.length / 255 - 0.286) < 0.001, 'pixel mean 0.2860');
});
