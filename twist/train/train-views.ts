import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DataFileMissingError, InvalidArgumentError, type Random } from '../../core/index.js';
import {
  hasMnistSplit,
  ImageFolderDataset,
  loadMnistSplit,
  type ImageSample,
  type ImageSplit,
} from '../../data/index.js';
import {
  barlowGrayViews,
  barlowViews,
  GrayViewAugmenter,
  multiCropGrayViews,
  multiCropViews,
  RgbViewAugmenter,
  selfLabelMultiCropViews,
} from '../augment/index.js';
import { VIT_PATCH } from './model-for-config.js';
import type { LocalTrainConfig } from './train-config.js';

/** One view of a batch: NHWC floats and their shape. */
export interface ViewTensorData {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** One generator for a whole batch, or one per view and batch position. */
export type ViewRng = Random | ((view: number, b: number) => Random);

/** The generator of image `b` of view `v`. */
const rngOf = (rng: ViewRng, v: number, b: number): Random => (typeof rng === 'function' ? rng(v, b) : rng);

/** The images of one batch, ready to augment: indices into images in memory, or decoded files. */
export type LoadedBatch =
  | { readonly kind: 'indices'; readonly indices: Int32Array }
  | { readonly kind: 'samples'; readonly samples: readonly ImageSample[] };

/** Where a run's training images come from and how its views are made of them. */
export interface TrainViews {
  /** Training images. */
  readonly count: number;
  readonly channels: 1 | 3;
  /** The global views' side. */
  readonly imageSize: number;
  /** Each view's side in the TWIST phase and in the self-labeling phase (views 0 and 1 global). */
  viewSizes(selfLabel: boolean): number[];
  /**
   * Reads (decodes) the images of `indices`; an image that cannot be decoded is replaced by the next
   * one in the dataset that can (counted by the dataset, told to `onSkip`).
   */
  load(indices: Int32Array): Promise<LoadedBatch>;
  /**
   * Augments a loaded batch into its views: drawing from one generator view after view, image after
   * image, or from a generator per (view, batch position), so that an image's views depend on
   * nothing but their own generators, whatever batch or trainer the image lands in.
   */
  augment(batch: LoadedBatch, rng: ViewRng, selfLabel: boolean): ViewTensorData[];
  /** What the data is, for logs. */
  readonly description: string;
}

/** The seed's local crop side for a global side: 96/224 of it; for a ViT, a multiple of the patch. */
export function defaultLocalSize(imageSize: number, vit: boolean): number {
  const s = Math.round((imageSize * 96) / 224);
  return vit ? Math.max(VIT_PATCH, Math.round(s / VIT_PATCH) * VIT_PATCH) : Math.max(s, 1);
}

/**
 * Opens a run's training data: an MNIST-format directory (grayscale, in memory) or an ImageFolder
 * (RGB, decoded per batch with sharp), and the config with `channels`, `imageSize` and, for
 * multi-crop, `localSize` filled in (what a checkpoint records so the model can be rebuilt).
 * @throws DataFileMissingError / DataFileCorruptError for the data; InvalidArgumentError for view
 * sizes a ViT cannot take or self-labeling combined with a momentum encoder (the seed's schedule
 * does not cover it).
 */
export async function openTrainViews(
  cfg: LocalTrainConfig,
  onSkip?: (file: string, reason: string) => void,
): Promise<{ views: TrainViews; cfg: LocalTrainConfig }> {
  const vit = cfg.arch !== 'resnet';
  if (await hasMnistSplit(cfg.dataPath, 'train')) {
    if (cfg.subsetFile)
      throw new InvalidArgumentError(
        `subsetFile: ${cfg.dataPath} is MNIST-format; subsets are for ImageFolder`,
      );
    const split = await loadMnistSplit(cfg.dataPath, 'train');
    const resolved = resolveRunConfig(cfg, 1, split.height, vit);
    return { views: new GrayTrainViews(split, resolved), cfg: resolved };
  }
  await checkImageFolderRoot(cfg.dataPath);
  const ds = await ImageFolderDataset.open(cfg.dataPath, {
    ...(cfg.subsetFile ? { subsetFile: cfg.subsetFile } : {}),
    ...(onSkip ? { onSkip } : {}),
  });
  const resolved = resolveRunConfig(cfg, 3, 224, vit);
  return { views: new RgbTrainViews(ds, resolved), cfg: resolved };
}

/** Neither MNIST files nor class folders: say what was looked for, both forms. */
async function checkImageFolderRoot(dir: string): Promise<void> {
  const forms = `an MNIST-format directory (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]) or an ImageFolder root (<class>/<image>)`;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new DataFileMissingError(
      `data path ${dir} cannot be read (${(err as Error).message}): no ${path.join(dir, 'train-images-idx3-ubyte')}; expected ${forms}`,
      {
        cause: err,
      },
    );
  }
  if (!entries.some((e) => e.isDirectory()))
    throw new DataFileMissingError(
      `data path ${dir} has no ${path.join(dir, 'train-images-idx3-ubyte')} and no class folder; expected ${forms}`,
    );
}

/**
 * Checks a run config's fields against each other before any data is read: a ViT's view sides
 * (given, or as the data will resolve them) must be multiples of its patch; a momentum encoder
 * cannot go on into a self-labeling phase (the seed's EMA schedule covers only the TWIST phase).
 * @throws InvalidArgumentError naming the field and its value.
 */
export function checkRunConfig(
  cfg: LocalTrainConfig,
  imageSize = cfg.imageSize,
  localSize = cfg.localSize,
): void {
  if (cfg.arch !== 'resnet')
    for (const [field, v] of [
      ['imageSize', imageSize],
      ['localSize', localSize],
    ] as const)
      if (v !== undefined && v % VIT_PATCH !== 0)
        throw new InvalidArgumentError(
          `${field} ${v}: a ${cfg.arch} needs a multiple of its patch (${VIT_PATCH}) px`,
        );
  // A recipe's TWIST phase longer than a scaled-down run: the whole run is TWIST.
  const mme = Math.min(cfg.mmeEpochs ?? cfg.epochs, cfg.epochs);
  if (cfg.momentumEncoder !== undefined && mme < cfg.epochs)
    throw new InvalidArgumentError(
      `mmeEpochs ${mme} < epochs ${cfg.epochs} with momentumEncoder: the seed's EMA schedule covers only the TWIST phase (spec §4.2); set mmeEpochs to epochs`,
    );
}

/** The config with the data's channels and view sizes filled in, its fields checked against each other. */
function resolveRunConfig(
  cfg: LocalTrainConfig,
  channels: 1 | 3,
  nativeSize: number,
  vit: boolean,
): LocalTrainConfig {
  if (cfg.channels !== undefined && cfg.channels !== channels)
    throw new InvalidArgumentError(
      `channels: the run was made for ${cfg.channels}-channel images, ${cfg.dataPath} has ${channels}`,
    );
  const imageSize = cfg.imageSize ?? nativeSize;
  const localSize =
    cfg.aug === 'multicrop' ? (cfg.localSize ?? defaultLocalSize(imageSize, vit)) : cfg.localSize;
  checkRunConfig(cfg, imageSize, localSize);
  return { ...cfg, channels, imageSize, ...(localSize !== undefined ? { localSize } : {}) };
}

function viewCount(cfg: LocalTrainConfig): number {
  return cfg.aug === 'multicrop' ? 2 + cfg.locals : 2;
}

/** Fashion-MNIST-style data: all images in memory, grayscale views. */
class GrayTrainViews implements TrainViews {
  readonly count: number;
  readonly channels = 1 as const;
  readonly imageSize: number;
  readonly description: string;
  private readonly phases: [GrayViewAugmenter[], GrayViewAugmenter[]];

  constructor(
    private readonly split: ImageSplit,
    cfg: LocalTrainConfig,
  ) {
    this.count = split.count;
    this.imageSize = cfg.imageSize!;
    this.description = `${cfg.dataPath}: ${split.count} grayscale ${split.height}×${split.width} images, ${viewCount(cfg)} views of ${this.imageSize} px`;
    const make = (selfLabel: boolean): GrayViewAugmenter[] =>
      (cfg.aug === 'multicrop'
        ? multiCropGrayViews({
            size: this.imageSize,
            localSize: cfg.localSize!,
            locals: cfg.locals,
            selfLabel,
          })
        : barlowGrayViews(this.imageSize).map((v) => ({
            ...v,
            scale: [cfg.cropScaleMin, 1] as [number, number],
          }))
      ).map((v) => new GrayViewAugmenter(v));
    this.phases = [make(false), make(true)];
  }

  viewSizes(selfLabel: boolean): number[] {
    return this.phases[selfLabel ? 1 : 0].map((a) => a.config.size);
  }

  load(indices: Int32Array): Promise<LoadedBatch> {
    return Promise.resolve({ kind: 'indices', indices });
  }

  augment(batch: LoadedBatch, rng: ViewRng, selfLabel: boolean): ViewTensorData[] {
    if (batch.kind !== 'indices') throw new InvalidArgumentError('grayscale views take indices');
    const { indices } = batch;
    const { images, height, width } = this.split;
    return this.phases[selfLabel ? 1 : 0].map((a, v) => ({
      data: a.apply((b) => rngOf(rng, v, b), images, height, width, indices),
      shape: [indices.length, a.config.size, a.config.size, 1],
    }));
  }
}

/** ImageFolder data: decoded per batch, RGB views (ImageNet normalisation). */
class RgbTrainViews implements TrainViews {
  readonly channels = 3 as const;
  readonly imageSize: number;
  readonly description: string;
  private readonly phases: [RgbViewAugmenter[], RgbViewAugmenter[]];
  /** Images found undecodable (skipped once, not decoded again). */
  private readonly undecodable = new Set<number>();

  constructor(
    private readonly ds: ImageFolderDataset,
    cfg: LocalTrainConfig,
  ) {
    this.imageSize = cfg.imageSize!;
    this.description = `${cfg.dataPath}: ${ds.length} images in ${ds.classes.length} classes, ${viewCount(cfg)} RGB views of ${this.imageSize} px`;
    const opts = { globalSize: this.imageSize, localSize: cfg.localSize ?? 1, locals: cfg.locals };
    const make = (selfLabel: boolean): RgbViewAugmenter[] =>
      (cfg.aug === 'multicrop'
        ? selfLabel
          ? selfLabelMultiCropViews(opts)
          : multiCropViews(opts)
        : barlowViews(this.imageSize, [cfg.cropScaleMin, 1])
      ).map((v) => new RgbViewAugmenter(v));
    this.phases = [make(false), make(true)];
  }

  get count(): number {
    return this.ds.length;
  }

  viewSizes(selfLabel: boolean): number[] {
    return this.phases[selfLabel ? 1 : 0].map((a) => a.config.size);
  }

  async load(indices: Int32Array): Promise<LoadedBatch> {
    const samples = await Promise.all(Array.from(indices, (i) => this.decodable(i)));
    return { kind: 'samples', samples };
  }

  private async decodable(i: number): Promise<ImageSample> {
    for (let k = 0; k < this.ds.length; k++) {
      const j = (i + k) % this.ds.length;
      if (this.undecodable.has(j)) continue;
      const s = await this.ds.get(j);
      if (s) return s;
      this.undecodable.add(j);
    }
    throw new InvalidArgumentError(`image folder ${this.ds.root}: no image could be decoded`);
  }

  augment(batch: LoadedBatch, rng: ViewRng, selfLabel: boolean): ViewTensorData[] {
    if (batch.kind !== 'samples') throw new InvalidArgumentError('RGB views take decoded images');
    const { samples } = batch;
    return this.phases[selfLabel ? 1 : 0].map((a, v) => {
      const data = new Float32Array(samples.length * a.outputSize);
      samples.forEach((s, b) => a.apply(rngOf(rng, v, b), s.data, s.height, s.width, data, b * a.outputSize));
      return { data, shape: [samples.length, a.config.size, a.config.size, 3] };
    });
  }
}
