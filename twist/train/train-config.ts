import { z } from 'zod';
import { RESNET_DEPTHS } from '../models/resnet.js';

/** Backbones a run can train: a ResNet (`--depth`, `--width`, `--stem`) or the seed's ViT-S/16, ViT-B/16. */
export const TRAIN_ARCHS = ['resnet', 'vit-s', 'vit-b'] as const;
export type TrainArch = (typeof TRAIN_ARCHS)[number];

/**
 * Configuration of a local (single-process) TWIST run. Parsed once at the edge (CLI, bench) and
 * passed inward typed. Defaults: the Fashion-MNIST demo (ResNet-18 width 16, cifar stem, head
 * 512/10, batch 256, `barlow` views, LARS at base lr 0.5, wd 1.5e-6, no self-labeling, no momentum
 * encoder). The seed's recipes (`RECIPES`) are sets of these fields.
 */
export const LocalTrainConfigSchema = z.object({
  /** An MNIST-format directory (grayscale) or an ImageFolder root (`<class>/<image>`, RGB). */
  dataPath: z.string().min(1),
  /** ImageFolder only: a file of image names to keep (the SimCLR 1 % / 10 % lists). */
  subsetFile: z.string().optional(),
  /** The recipe the run started from (recorded; its values are already merged into the fields). */
  recipe: z.string().optional(),
  epochs: z.number().int().positive().default(1),
  batchSize: z.number().int().min(2).default(256),
  maxSteps: z.number().int().positive().optional(),
  arch: z.enum(TRAIN_ARCHS).default('resnet'),
  depth: z
    .union(RESNET_DEPTHS.map((d) => z.literal(d)) as [z.ZodLiteral<18>, z.ZodLiteral<34>, z.ZodLiteral<50>])
    .default(18),
  width: z.number().int().positive().default(16),
  stem: z.enum(['cifar', 'imagenet']).default('cifar'),
  /**
   * ViTs: images per backbone pass, the activations recomputed for the gradient (memory of one
   * chunk, one more forward); default 128, used when a resolution group holds more; 0: one pass.
   * ResNets always take the whole batch (their BatchNorm statistics are over it).
   */
  backboneChunk: z.number().int().nonnegative().optional(),
  /** ViT stochastic depth, linearly spaced over the blocks (0; ViT-B's recipe 0.1). */
  dropPath: z.number().min(0).lt(1).default(0),
  hidDim: z.number().int().positive().default(512),
  dim: z.number().int().positive().default(10),
  /** Hidden activation of the projection head (`--act`: GELU in the ViT recipes). */
  headAct: z.enum(['relu', 'gelu']).default('relu'),
  /** Input channels: set from the dataset when the run starts (1 for MNIST files, 3 for ImageFolder). */
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  /** Side of the global views; default the dataset's own (28 for MNIST files), 224 for ImageFolder. */
  imageSize: z.number().int().positive().optional(),
  /** `barlow`: two views; `multicrop`: two global views and `locals` local ones (spec §3.3). */
  aug: z.enum(['barlow', 'multicrop']).default('barlow'),
  /** Local views of `multicrop` (12 for the ResNet recipes, 6 ViT-S, 10 ViT-B). */
  locals: z.number().int().nonnegative().default(6),
  /** Side of the local views; default 96/224 of the global side (a multiple of the patch for ViTs). */
  localSize: z.number().int().positive().optional(),
  optimizer: z.enum(['lars', 'sgd', 'adamw']).default('lars'),
  baseLr: z.number().positive().default(0.5),
  weightDecay: z.number().nonnegative().default(1.5e-6),
  weightDecayEnd: z.number().nonnegative().optional(),
  /** Default: the seed's rule (3 epochs for runs ≤ 20 epochs, capped at the run). */
  warmupEpochs: z.number().nonnegative().optional(),
  clipGrad: z.number().nonnegative().default(0),
  lam1: z.number().default(0),
  lam2: z.number().default(1),
  tau: z.number().positive().default(1),
  eps: z.number().positive().default(1e-5),
  /**
   * Epochs of TWIST before the self-labeling phase (spec §4.5); default, or more than `epochs`: all
   * of them (no self-labeling).
   */
  mmeEpochs: z.number().int().nonnegative().optional(),
  /** Base lr of the self-labeling phase per 256 images (`lr_sl`, 0.05). */
  lrSl: z.number().positive().default(0.05),
  /** Self-labeling confidence quantile, a cosine from `quantile` to `quantileEnd` over the phase. */
  quantile: z.number().min(0).max(1).default(0.5),
  quantileEnd: z.number().min(0).max(1).default(0.6),
  /** Momentum encoder (spec §4.2, 4.4(b)): the EMA's starting momentum (0.996 → 1); absent: none. */
  momentumEncoder: z.number().min(0).max(1).optional(),
  /** Smallest crop area of the `barlow` views (0.2 for 28-px images; the seed's 0.08 at 224). */
  cropScaleMin: z.number().gt(0).lte(1).default(0.2),
  seed: z.number().int().nonnegative().default(0),
  /** Where checkpoints go (`step-<n>/`, `LATEST`). */
  runDir: z.string().optional(),
  /** Save a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: z.number().int().nonnegative().default(0),
});

export type LocalTrainConfig = z.infer<typeof LocalTrainConfigSchema>;
