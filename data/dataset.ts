import { InvalidArgumentError } from '../core/index.js';
import type { ImageSplit } from './mnist-format.js';

/** One decoded image: `height × width × channels` bytes, row-major, channels last. */
export interface ImageSample {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
  label: number;
}

/**
 * A labelled image dataset. `get` resolves to null for a sample that cannot be decoded (a corrupt or
 * non-image file): the dataset counts and reports it, the caller takes another sample.
 */
export interface Dataset {
  readonly length: number;
  readonly classes: readonly string[];
  get(i: number): Promise<ImageSample | null>;
}

/** An IDX (MNIST-format) split as a {@link Dataset}. */
export class IdxDataset implements Dataset {
  readonly length: number;
  constructor(
    private readonly split: ImageSplit,
    readonly classes: readonly string[] = Array.from({ length: split.numClasses }, (_, i) => String(i)),
  ) {
    this.length = split.count;
  }

  get(i: number): Promise<ImageSample | null> {
    checkIndex(i, this.length);
    const { height, width } = this.split;
    const n = height * width;
    return Promise.resolve({
      data: this.split.images.subarray(i * n, (i + 1) * n),
      height,
      width,
      channels: 1,
      label: this.split.labels[i]!,
    });
  }
}

/** @throws InvalidArgumentError when `i` is not an index of a dataset of `length`. */
export function checkIndex(i: number, length: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= length)
    throw new InvalidArgumentError(`dataset index ${i} is not in [0, ${length})`);
}
