import { z } from 'zod';
import { RESNET_DEPTHS } from '../models/resnet.js';

/**
 * Configuration of a local (single-process) TWIST run. Parsed once at the edge (CLI, bench) and
 * passed inward typed. Defaults: the Fashion-MNIST demo (ResNet-18 width 16, cifar stem, head
 * 512/10, batch 256, LARS at base lr 0.5, wd 1.5e-6).
 */
export const LocalTrainConfigSchema = z.object({
  dataPath: z.string().min(1),
  epochs: z.number().int().positive().default(1),
  batchSize: z.number().int().min(2).default(256),
  maxSteps: z.number().int().positive().optional(),
  depth: z
    .union(RESNET_DEPTHS.map((d) => z.literal(d)) as [z.ZodLiteral<18>, z.ZodLiteral<34>, z.ZodLiteral<50>])
    .default(18),
  width: z.number().int().positive().default(16),
  stem: z.enum(['cifar', 'imagenet']).default('cifar'),
  hidDim: z.number().int().positive().default(512),
  dim: z.number().int().positive().default(10),
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
  cropScaleMin: z.number().gt(0).lte(1).default(0.2),
  seed: z.number().int().nonnegative().default(0),
  /** Where checkpoints go (`step-<n>/`, `LATEST`). */
  runDir: z.string().optional(),
  /** Save a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: z.number().int().nonnegative().default(0),
});

export type LocalTrainConfig = z.infer<typeof LocalTrainConfigSchema>;
