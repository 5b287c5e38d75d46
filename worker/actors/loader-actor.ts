import path from 'node:path';
import { z } from 'zod';
import { InvalidArgumentError, parseConfig, Random } from '../../core/index.js';
import { epochOrder } from '../../data/index.js';
import { LocalTrainConfigSchema, openTrainViews, type ViewTensorData } from '../../twist/index.js';
import type { LoaderInfo } from '../../client/index.js';
import { defineActor } from './actor-class.js';
import { canHandOffTo, dropHandoff, takeHandoff, writeHandoff } from './batch-handoff.js';

/** What a loader is built with: the run's config and its trainer's place in the group. */
export const LoaderArgsSchema = z.object({
  /** The run's training config (the local trainer's schema; `batchSize` is the global batch). */
  config: z.record(z.string(), z.unknown()),
  rank: z.number().int().min(0),
  worldSize: z.number().int().min(1),
});
export type LoaderArgs = z.infer<typeof LoaderArgsSchema>;

/** One ready batch: the augmented views of this trainer's share of a global batch. */
export interface LoaderBatch {
  epoch: number;
  stepInEpoch: number;
  /** Views 0 and 1 global, then the local ones: NHWC floats and their shapes. */
  views: ViewTensorData[];
  /** Dataset indices of the share, in batch order (sample accounting). */
  indices: Int32Array;
  augmentSeconds: number;
}

/** What a trainer asks a loader for: a step of an epoch, and whether it is of the self-labeling phase. */
export interface LoaderBatchRequest {
  epoch: number;
  stepInEpoch: number;
  selfLabel?: boolean;
  /**
   * The trainer's images of the step's global batch, [offset, offset + count) (shares balanced to
   * the trainers' speeds, `BatchShares`). Default: rank r's equal share, [r·N/W, (r+1)·N/W).
   */
  offset?: number;
  count?: number;
  /**
   * The trainer's scratch directory: a loader that sees it (the same host) writes the views there
   * and answers with the file's name instead of the views' bytes.
   */
  handoffDir?: string;
}

/**
 * What `batch` answers: a {@link LoaderBatch} with its views inline, or with the views' floats in a
 * handoff file of the trainer's scratch directory ({@link takeBatch} reads and deletes it). A batch
 * of 128 two-view Fashion-MNIST images is 803 KB: over gRPC it costs the loader ~2 ms and the
 * trainer ~4 ms of its step (HTTP/2 frames, copies, the garbage they leave), through a tmpfs file
 * two system calls on each side.
 */
export type LoaderReply = Omit<LoaderBatch, 'views'> &
  ({ views: ViewTensorData[] } | { handoff: { file: string; shapes: ViewTensorData['shape'][] } });

/**
 * The batch of a loader's reply: its inline views, or those of its handoff file (read, then deleted),
 * which must lie in `scratchDir`, the directory the request named (a reply naming any other file is
 * refused: nothing outside the caller's own scratch directory is read or deleted).
 * @throws InvalidArgumentError when the handoff file is not in `scratchDir`.
 * @throws IoError when the handoff file is missing or of the wrong size.
 */
export function takeBatch(r: LoaderReply, scratchDir: string | undefined): LoaderBatch {
  if ('views' in r) return r;
  const { handoff, ...rest } = r;
  if (!inScratchDir(handoff.file, scratchDir))
    throw new InvalidArgumentError(
      `loader: handoff file ${handoff.file} is not in this process's scratch directory (${scratchDir ?? 'none'})`,
    );
  const data = takeHandoff(
    handoff.file,
    handoff.shapes.map((s) => s[0] * s[1] * s[2] * s[3]),
  );
  return { ...rest, views: handoff.shapes.map((shape, i) => ({ data: data[i]!, shape })) };
}

/**
 * Deletes the handoff file of a reply that will not be used (a batch fetched ahead, then dropped);
 * as {@link takeBatch}, only a file in `scratchDir`.
 */
export function dropBatch(r: LoaderReply, scratchDir: string | undefined): void {
  if ('handoff' in r && inScratchDir(r.handoff.file, scratchDir)) dropHandoff(r.handoff.file);
}

/** Whether `file` lies directly in `scratchDir` (never, without one). */
const inScratchDir = (file: string, scratchDir: string | undefined): boolean =>
  scratchDir !== undefined && path.dirname(file) === scratchDir;

/**
 * A data-loader actor: opens the run's training data as a local run does (an MNIST-format
 * directory in memory, or an ImageFolder decoded per batch), and for any (epoch, step) returns its
 * trainer's share of that global batch, augmented into the run's views (`barlow`: two; `multicrop`:
 * two global and the local ones, the self-labeling phase's scales when asked). The global order of
 * an epoch is the sampler's (a function of seed and epoch); the trainer's part of step s is images
 * [s·G + o, s·G + o + n) of it (G the global batch; o and n as the request gives them, by default
 * rank r's equal share o = r·G/W, n = G/W); the trainers' parts of a step partition it, so every
 * image of an epoch goes to exactly one trainer once. Each image's views are drawn from a generator
 * seeded by (seed, epoch, image index, view): a loader that is replaced, a run that resumes, or a
 * run at another number of trainers (the same global batch split otherwise) produces the very same
 * views again.
 * Bounded prefetch is the trainer's: it keeps a few `batch` calls in flight.
 * @throws (create) DataFileMissingError / DataFileCorruptError for the data, InvalidArgumentError
 * for a config the data cannot take or a global batch larger than the data.
 */
export const LoaderActor = defineActor({
  name: 'loader',
  methods: ['info', 'batch'],
  create: async (raw, ctx) => {
    const a = parseConfig(LoaderArgsSchema, raw, 'loader');
    const cfg0 = parseConfig(LocalTrainConfigSchema, a.config, 'loader config');
    if (cfg0.batchSize % a.worldSize !== 0)
      throw new InvalidArgumentError(
        `loader: batch size ${cfg0.batchSize} is not divisible by ${a.worldSize} trainers`,
      );
    const skipped = ctx.metrics.counter(
      'twist_loader_skipped_images_total',
      'Images that could not be decoded (each replaced by the next decodable one).',
    );
    const { views, cfg } = await openTrainViews(cfg0, (file, reason) => {
      skipped.inc();
      ctx.log.warn({ file, reason }, 'image skipped');
    });
    const share = cfg.batchSize / a.worldSize;
    const stepsPerEpoch = Math.floor(views.count / cfg.batchSize);
    if (stepsPerEpoch < 1)
      throw new InvalidArgumentError(
        `loader: a global batch of ${cfg.batchSize} exceeds the ${views.count} training images of ${cfg.dataPath}`,
      );
    let cached: { epoch: number; order: Int32Array } | undefined;
    const served = ctx.metrics.counter(
      'twist_loader_batches_total',
      'Batches served, by how they went to the trainer: `handoff` (a tmpfs file, same host) or `grpc`.',
      ['transfer'],
    );
    // Scratch directories seen (or not) from here; one that failed a write is not used again.
    const handoffDirs = new Map<string, boolean>();
    let handoffs = 0;
    const handOff = (
      dir: string,
      epoch: number,
      step: number,
      views: ViewTensorData[],
    ): string | undefined => {
      let ok = handoffDirs.get(dir);
      if (ok === undefined) handoffDirs.set(dir, (ok = canHandOffTo(dir)));
      if (!ok) return undefined;
      try {
        return writeHandoff(
          dir,
          `batch-e${epoch}-s${step}-${ctx.actorId}-${ctx.incarnation}-${handoffs++}`,
          views.map((v) => v.data),
        );
      } catch (err) {
        handoffDirs.set(dir, false);
        ctx.log.warn({ dir, err: (err as Error).message }, 'handoff failed: batches go over gRPC');
        return undefined;
      }
    };
    const seconds = ctx.metrics.histogram(
      'twist_loader_augment_seconds',
      'Time to read, decode and augment one batch.',
    );
    ctx.log.info({ data: views.description, steps_per_epoch: stepsPerEpoch, batch: share }, 'loader ready');
    const info: LoaderInfo = {
      count: views.count,
      stepsPerEpoch,
      channels: views.channels,
      config: cfg,
      description: views.description,
    };
    return {
      info: () => info,
      batch: async (req: unknown): Promise<LoaderReply> => {
        const {
          epoch,
          stepInEpoch,
          selfLabel = false,
          handoffDir,
          offset = a.rank * share,
          count = share,
        } = req as LoaderBatchRequest;
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
        if (
          !Number.isInteger(offset) ||
          !Number.isInteger(count) ||
          offset < 0 ||
          count < 1 ||
          offset + count > cfg.batchSize
        )
          throw new InvalidArgumentError(
            `loader.batch: images [${offset}, ${offset} + ${count}) are not within a global batch of ${cfg.batchSize}`,
          );
        const t0 = performance.now();
        if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(views.count, cfg.seed, epoch) };
        const start = stepInEpoch * cfg.batchSize + offset;
        const indices = cached.order.slice(start, start + count);
        const loaded = await views.load(indices);
        const out = views.augment(
          loaded,
          (view, b) => new Random(viewSeed(cfg.seed, epoch, indices[b]!, view)),
          selfLabel === true,
        );
        const s = (performance.now() - t0) / 1000;
        seconds.observe(s);
        const file =
          typeof handoffDir === 'string' ? handOff(handoffDir, epoch, stepInEpoch, out) : undefined;
        served.inc({ transfer: file ? 'handoff' : 'grpc' });
        const head = { epoch, stepInEpoch, indices, augmentSeconds: s };
        return file
          ? { ...head, handoff: { file, shapes: out.map((v) => v.shape) } }
          : { ...head, views: out };
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
