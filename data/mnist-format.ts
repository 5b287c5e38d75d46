import { access } from 'node:fs/promises';
import path from 'node:path';
import { DataFileCorruptError, DataFileMissingError } from '../core/index.js';
import { readIdx } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Grayscale images of one split, pixels as bytes, labels as class indices. */
export interface ImageSplit {
  /** [count, height, width] uint8, row-major. */
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  /** Number of classes (max label + 1). */
  numClasses: number;
}

export type SplitName = 'train' | 't10k';

async function findFile(dir: string, base: string): Promise<string> {
  const tried: string[] = [];
  for (const name of [`${base}.gz`, base, base.replace(/-idx(\d)-/, '.idx$1-')]) {
    const file = path.join(dir, name);
    tried.push(file);
    try {
      await access(file);
      return file;
    } catch {
      // try the next spelling
    }
  }
  throw new DataFileMissingError(`MNIST-format file not found: tried ${tried.join(', ')}`);
}

/** Whether `dir` holds the images file of `split` in MNIST format (any of its spellings). */
export async function hasMnistSplit(dir: string, split: SplitName): Promise<boolean> {
  try {
    await findFile(dir, `${split}-images-idx3-ubyte`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads one split of an MNIST-format directory (`train-images-idx3-ubyte[.gz]`,
 * `train-labels-idx1-ubyte[.gz]`, and `t10k-*` for the test split): MNIST, Fashion-MNIST, KMNIST...
 * @throws DataFileMissingError naming the files looked for; DataFileCorruptError naming the bad file
 * (bad header, truncated, image and label counts that differ, labels out of range).
 */
export async function loadMnistSplit(dir: string, split: SplitName): Promise<ImageSplit> {
  const imagesFile = await findFile(dir, `${split}-images-idx3-ubyte`);
  const labelsFile = await findFile(dir, `${split}-labels-idx1-ubyte`);
  const [img, lab] = await Promise.all([readIdx(imagesFile), readIdx(labelsFile)]);
  if (img.dims.length !== 3)
    throw new DataFileCorruptError(
      `${imagesFile}: expected 3 dims [count, height, width], got [${img.dims.join(', ')}]`,
    );
  if (lab.dims.length !== 1)
    throw new DataFileCorruptError(`${labelsFile}: expected 1 dim [count], got [${lab.dims.join(', ')}]`);
  const [count, height, width] = img.dims as [number, number, number];
  if (lab.dims[0] !== count)
    throw new DataFileCorruptError(
      `${labelsFile}: ${lab.dims[0]} labels for ${count} images in ${imagesFile}`,
    );
  const labels = new Int32Array(count);
  let numClasses = 0;
  for (let i = 0; i < count; i++) {
    const l = lab.data[i]!;
    if (l > 254) throw new DataFileCorruptError(`${labelsFile}: label ${l} at index ${i} is out of range`);
    labels[i] = l;
    numClasses = Math.max(numClasses, l + 1);
  }
  return { images: img.data, labels, count, height, width, numClasses };
}
