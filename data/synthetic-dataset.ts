import { Random } from '../core/index.js';
import { checkIndex, type Dataset, type ImageSample } from './dataset.js';

/**
 * Random RGB images (for tests only): sample i is a function of (seed, i), class i mod `classes`,
 * with a class-dependent mean so that classes are separable.
 */
export class SyntheticDataset implements Dataset {
  readonly classes: readonly string[];

  constructor(
    readonly length: number,
    numClasses = 4,
    private readonly size = 32,
    private readonly seed = 0,
  ) {
    this.classes = Array.from({ length: numClasses }, (_, c) => `class${c}`);
  }

  get(i: number): Promise<ImageSample | null> {
    checkIndex(i, this.length);
    const rng = new Random(this.seed * 1_000_003 + i);
    const label = i % this.classes.length;
    const base = (255 * (label + 0.5)) / this.classes.length;
    const data = Uint8Array.from({ length: this.size * this.size * 3 }, () =>
      Math.max(0, Math.min(255, Math.round(base + 40 * rng.normal()))),
    );
    return Promise.resolve({ data, height: this.size, width: this.size, channels: 3, label });
  }
}
