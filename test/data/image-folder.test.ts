import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ImageFolderDataset, SyntheticDataset } from '../../data/index.js';

/** root/cat: a 20×10 JPEG with EXIF orientation 6, a grayscale PNG, a corrupt "JPEG", a text file; root/dog: a truncated JPEG, a WebP. */
async function tree(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'twist-if-'));
  for (const c of ['cat', 'dog']) mkdirSync(path.join(root, c));
  const rgb = { width: 20, height: 10, channels: 3 as const, background: { r: 200, g: 30, b: 10 } };
  await sharp({ create: rgb })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(path.join(root, 'cat', 'a.jpg'));
  await sharp(Buffer.alloc(8 * 6, 77), { raw: { width: 8, height: 6, channels: 1 } })
    .png()
    .toFile(path.join(root, 'cat', 'b.PNG'));
  writeFileSync(path.join(root, 'cat', 'c.jpg'), Buffer.from('this is not an image at all'));
  writeFileSync(path.join(root, 'cat', 'notes.txt'), 'ignored');
  const jpeg = await sharp({ create: { ...rgb, width: 64, height: 64 } })
    .jpeg()
    .toBuffer();
  writeFileSync(path.join(root, 'dog', 'd.jpeg'), jpeg.subarray(0, jpeg.length / 2));
  await sharp({ create: { ...rgb, width: 5, height: 7 } })
    .webp({ lossless: true })
    .toFile(path.join(root, 'dog', 'e.webp'));
  return root;
}

test('ImageFolder: sorted classes and files, RGB, EXIF-oriented; corrupt and truncated files are skipped and counted', async (t) => {
  const root = await tree();
  const skips: string[] = [];
  const ds = await ImageFolderDataset.open(root, {
    onSkip: (f, why) => skips.push(`${path.basename(f)}: ${why}`),
  });
  t.deepEqual(ds.classes, ['cat', 'dog']);
  t.is(ds.length, 5);
  t.deepEqual(
    [0, 1, 2, 3, 4].map((i) => path.basename(ds.file(i))),
    ['a.jpg', 'b.PNG', 'c.jpg', 'd.jpeg', 'e.webp'],
  );
  const a = await ds.get(0);
  t.like(
    a,
    { height: 20, width: 10, channels: 3, label: 0 },
    'orientation 6 turns 20×10 into 10 wide, 20 high',
  );
  t.true(Math.abs(a!.data[0]! - 200) < 8 && a!.data[1]! < 50, 'RGB order');
  const b = await ds.get(1);
  t.like(b, { height: 6, width: 8, channels: 3 });
  t.deepEqual([b!.data[0], b!.data[1], b!.data[2]], [77, 77, 77], 'grayscale expanded to RGB');
  t.is(await ds.get(2), null);
  t.is(await ds.get(3), null);
  t.like(await ds.get(4), { height: 7, width: 5, label: 1 });
  t.is(ds.skipped, 2);
  t.is(skips.length, 2);
  t.regex(skips[0]!, /^c\.jpg: /);
  t.regex(skips[1]!, /^d\.jpeg: /);
});

test('ImageFolder: an empty class folder, a single class, a missing root and unknown subset names are clear errors', async (t) => {
  const root = await tree();
  mkdirSync(path.join(root, 'empty'));
  await t.throwsAsync(ImageFolderDataset.open(root), { message: /class folder empty\/ holds no image/ });
  const one = mkdtempSync(path.join(os.tmpdir(), 'twist-if1-'));
  mkdirSync(path.join(one, 'only'));
  writeFileSync(
    path.join(one, 'only', 'x.png'),
    await sharp({ create: { width: 2, height: 2, channels: 3, background: 'red' } })
      .png()
      .toBuffer(),
  );
  await t.throwsAsync(ImageFolderDataset.open(one), { message: /1 class folder\(s\); .* at least 2/ });
  await t.throwsAsync(ImageFolderDataset.open('/nonexistent/imagenet/train'), {
    code: 'DATA_FILE_MISSING',
  } as never);
  const root2 = await tree();
  const list = path.join(root2, 'subset.txt');
  writeFileSync(list, 'a.jpg\ne.webp\n');
  const sub = await ImageFolderDataset.open(root2, { subsetFile: list });
  t.is(sub.length, 2);
  writeFileSync(list, 'a.jpg\nn01440764_10026.JPEG\n');
  await t.throwsAsync(ImageFolderDataset.open(root2, { subsetFile: list }), {
    message: /1 listed image\(s\) not in .*n01440764_10026\.JPEG/,
  });
});

test('the synthetic dataset is deterministic and labelled round-robin', async (t) => {
  const ds = new SyntheticDataset(10, 3, 8, 1);
  const [x, y] = [await ds.get(4), await ds.get(4)];
  t.deepEqual(x, y);
  t.is(x!.label, 1);
  t.is(x!.data.length, 8 * 8 * 3);
});
