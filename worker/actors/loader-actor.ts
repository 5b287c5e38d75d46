import { z } from 'zod';
import { InvalidArgumentError, parseConfig, Random } from '../../core/index.js';
import { epochOrder, loadMnistSplit, type ImageSplit } from '../../data/index.js';
import { barlowGrayViews, GrayViewAugmenter } from '../../twist/index.js';
import { defineActor } from './actor-class.js';

/** What a loader is built with: its trainer's share of every global batch. */
export const LoaderArgsSchema = z.object({
  dataPath: z.string().min(1),
  rank: z.number().int().min(0),
  worldSize: z.number().int().min(1),
  /** Images per trainer per step; the global batch is worldSize × this. */
  batchSize: z.number().int().min(1),
  seed: z.number().int(),
  cropScaleMin: z.number().gt(0).max(1).default(0.2),
});
export type LoaderArgs = z.infer<typeof LoaderArgsSchema>;

/** One ready batch: the two augmented views of this trainer's share of a global batch. */
export interface LoaderBatch {
  epoch: number;
  stepInEpoch: number;
  /** [batchSize, size, size, 1] floats each. */
  x1: Float32Array;
  x2: Float32Array;
  size: number;
  /** Dataset indices of the share, in batch order (sample accounting). */
  indices: Int32Array;
  augmentSeconds: number;
}

/**
 * A data-loader actor: reads an MNIST-format split once, and for any (epoch, step) returns its
 * trainer's share of that global batch, augmented into two barlow views. The global order of an
 * epoch is the sampler's (a function of seed and epoch); share r of step s is images
 * [s·G + r·b, s·G + (r+1)·b) of it (G = world size × b), so every image of an epoch goes to
 * exactly one trainer once. Each image's views are drawn from a generator seeded by (seed, epoch,
 * image index, view): a loader that is replaced, a run that resumes, or a run at another number of
 * trainers (the same global batch split otherwise) produces the very same views again.
 * Bounded prefetch is the trainer's: it keeps a few `batch` calls in flight.
 */
export const LoaderActor = defineActor({
  name: 'loader',
  methods: ['info', 'batch'],
  create: async (raw, ctx) => {
    const a = parseConfig(LoaderArgsSchema, raw, 'loader');
    const train: ImageSplit = await loadMnistSplit(a.dataPath, 'train');
    const global = a.batchSize * a.worldSize;
    const stepsPerEpoch = Math.floor(train.count / global);
    if (stepsPerEpoch < 1)
      throw new InvalidArgumentError(
        `loader: a global batch of ${global} exceeds the ${train.count} training images`,
      );
    const views = barlowGrayViews(train.height).map(
      (v) => new GrayViewAugmenter({ ...v, scale: [a.cropScaleMin, 1] }),
    ) as [GrayViewAugmenter, GrayViewAugmenter];
    const size = views[0].config.size;
    let cached: { epoch: number; order: Int32Array } | undefined;
    const served = ctx.metrics.counter('twist_loader_batches_total', 'Batches served.');
    const seconds = ctx.metrics.histogram('twist_loader_augment_seconds', 'Time to augment one batch.');
    ctx.log.info({ images: train.count, steps_per_epoch: stepsPerEpoch, batch: a.batchSize }, 'loader ready');
    return {
      info: () => ({ count: train.count, stepsPerEpoch, size, height: train.height }),
      batch: (req: unknown): LoaderBatch => {
        const { epoch, stepInEpoch } = req as { epoch: number; stepInEpoch: number };
        if (
          !Number.isInteger(epoch) ||
          epoch < 0 ||
          !Number.isInteger(stepInEpoch) ||
          stepInEpoch < 0 ||
          stepInEpoch >= stepsPerEpoch
        )
          throw new InvalidArgumentError(
            `loader.batch: no step ${stepInEpoch} of epoch ${epoch} (${stepsPerEpoch} steps per epoch)`,
          );
        const t0 = performance.now();
        if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(train.count, a.seed, epoch) };
        const start = stepInEpoch * global + a.rank * a.batchSize;
        const indices = cached.order.slice(start, start + a.batchSize);
        const rngFor =
          (view: number) =>
          (b: number): Random =>
            new Random(viewSeed(a.seed, epoch, indices[b]!, view));
        const x1 = views[0].apply(rngFor(0), train.images, train.height, train.width, indices);
        const x2 = views[1].apply(rngFor(1), train.images, train.height, train.width, indices);
        const s = (performance.now() - t0) / 1000;
        served.inc();
        seconds.observe(s);
        return { epoch, stepInEpoch, x1, x2, size, indices, augmentSeconds: s };
      },
    };
  },
});

/** The seed of one image's view in one epoch (a 32-bit mix of its parts). */
function viewSeed(seed: number, epoch: number, index: number, view: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  for (const v of [epoch, index, view]) h = Math.imul((h ^ v) >>> 0, 0xc2b2ae35) ^ (h >>> 15);
  return h >>> 0;
}
