import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { DataFileMissingError, InvalidArgumentError } from '../core/index.js';
import { checkIndex, type Dataset, type ImageSample } from './dataset.js';

/** Image file extensions an ImageFolder takes (case-insensitive), as torchvision's minus the rare ones. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'] as const;

export interface ImageFolderOptions {
  /**
   * A text file of image file names, one per line (the SimCLR 1 % / 10 % ImageNet subsets): only
   * those images are kept. Every listed name must exist.
   */
  subsetFile?: string;
  /** Told of every file that cannot be decoded (it is skipped, and counted in {@link ImageFolderDataset.skipped}). */
  onSkip?: (file: string, reason: string) => void;
}

/**
 * `root/<class>/<image>` (the layout of ImageNet's `train/` and `val/`): classes are the sorted
 * folder names, images the sorted files with an image extension. Decoded with sharp to 8-bit RGB,
 * EXIF orientation applied, alpha dropped. A file that cannot be decoded is skipped with a counted
 * warning (`get` resolves to null), never a crash.
 */
export class ImageFolderDataset implements Dataset {
  /** Files that could not be decoded so far. */
  skipped = 0;
  readonly skippedFiles: string[] = [];

  private constructor(
    readonly root: string,
    readonly classes: readonly string[],
    private readonly files: readonly string[],
    private readonly labels: Int32Array,
    private readonly onSkip?: (file: string, reason: string) => void,
  ) {}

  get length(): number {
    return this.files.length;
  }

  /**
   * Scans `root`.
   * @throws DataFileMissingError when `root` or the subset file cannot be read; InvalidArgumentError
   * when a class folder holds no image, when there are fewer than two classes, or when a subset name
   * is not found (the first few named).
   */
  static async open(root: string, opts: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch (err) {
      throw new DataFileMissingError(`image folder ${root} cannot be read: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const classes = entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    let keep: Set<string> | undefined;
    if (opts.subsetFile) {
      let text: string;
      try {
        text = await readFile(opts.subsetFile, 'utf8');
      } catch (err) {
        throw new DataFileMissingError(
          `subset file ${opts.subsetFile} cannot be read: ${(err as Error).message}`,
          { cause: err },
        );
      }
      keep = new Set(
        text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l.length > 0),
      );
    }
    const files: string[] = [];
    const labels: number[] = [];
    const found = new Set<string>();
    for (const [label, cls] of classes.entries()) {
      const dir = path.join(root, cls);
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter(
          (e) =>
            e.isFile() &&
            (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(e.name).toLowerCase()),
        )
        .map((e) => e.name)
        .sort();
      if (names.length === 0)
        throw new InvalidArgumentError(
          `image folder ${root}: class folder ${cls}/ holds no image (${IMAGE_EXTENSIONS.join(', ')})`,
        );
      for (const name of names) {
        if (keep && !keep.has(name)) continue;
        found.add(name);
        files.push(path.join(dir, name));
        labels.push(label);
      }
    }
    if (classes.length < 2)
      throw new InvalidArgumentError(
        `image folder ${root}: ${classes.length} class folder(s); self-supervised evaluation needs at least 2 (root/<class>/<image>)`,
      );
    if (keep) {
      const missing = [...keep].filter((n) => !found.has(n));
      if (missing.length)
        throw new InvalidArgumentError(
          `subset file ${opts.subsetFile}: ${missing.length} listed image(s) not in ${root}, e.g. ${missing.slice(0, 3).join(', ')}`,
        );
    }
    return new ImageFolderDataset(root, classes, files, Int32Array.from(labels), opts.onSkip);
  }

  /** The file of sample `i`. */
  file(i: number): string {
    checkIndex(i, this.length);
    return this.files[i]!;
  }

  async get(i: number): Promise<ImageSample | null> {
    checkIndex(i, this.length);
    const file = this.files[i]!;
    try {
      const { data, info } = await sharp(file, { failOn: 'error' })
        .rotate()
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
      return {
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        height: info.height,
        width: info.width,
        channels: 3,
        label: this.labels[i]!,
      };
    } catch (err) {
      this.skipped++;
      this.skippedFiles.push(file);
      this.onSkip?.(file, (err as Error).message);
      return null;
    }
  }
}
