import { InvalidArgumentError } from '../../core/index.js';
import type { LocalTrainConfig } from './train-config.js';

/** Fields a recipe sets: everything of a run but where its data and checkpoints live. */
export type RecipeFields = Partial<Omit<LocalTrainConfig, 'dataPath' | 'subsetFile' | 'runDir' | 'recipe'>>;

const RESNET50: RecipeFields = {
  arch: 'resnet',
  depth: 50,
  width: 64,
  stem: 'imagenet',
  imageSize: 224,
  hidDim: 4096,
  headAct: 'relu',
  optimizer: 'lars',
  baseLr: 0.5,
  weightDecay: 1.5e-6,
  weightDecayEnd: 1.5e-6,
  clipGrad: 0,
  lam1: 0,
  lam2: 1,
  tau: 1,
  eps: 1e-5,
  cropScaleMin: 0.08,
  lrSl: 0.05,
  quantile: 0.5,
  quantileEnd: 0.6,
};

const VIT: RecipeFields = {
  imageSize: 224,
  aug: 'multicrop',
  hidDim: 4096,
  dim: 4096,
  headAct: 'gelu',
  optimizer: 'adamw',
  clipGrad: 3,
  lam1: -0.6,
  lam2: 1,
  tau: 1,
  eps: 1e-5,
  momentumEncoder: 0.996,
};

/**
 * The seed's five recipes (spec §4.1), by name. `batchSize` is the global batch (the seed's
 * batch per GPU × GPUs); `baseLr` and `lrSl` are per 256 images and scaled by it; local crops are
 * 96/224 of the global side (96 px at 224). Any flag overrides one field (`--image-size`,
 * `--batch-size` scale a recipe down).
 */
export const RECIPES = {
  /** ResNet-50, two `barlow` views, dim 32768, 800 epochs, no self-labeling (72.6 %). */
  resnet50: { ...RESNET50, batchSize: 2048, epochs: 800, mmeEpochs: 800, aug: 'barlow', dim: 32768 },
  /** ResNet-50, multi-crop 2×224 + 12×96, self-labeling after epoch 800 of 850 (75.5 %). */
  'resnet50-multicrop': {
    ...RESNET50,
    batchSize: 2048,
    epochs: 850,
    mmeEpochs: 800,
    aug: 'multicrop',
    locals: 12,
    dim: 4096,
  },
  /** ResNet-50w2 (width 128), multi-crop 2 + 12, self-labeling after epoch 200 of 250 (77.7 %). */
  resnet50w2: {
    ...RESNET50,
    width: 128,
    batchSize: 1920,
    epochs: 250,
    mmeEpochs: 200,
    aug: 'multicrop',
    locals: 12,
    dim: 4096,
  },
  /** DeiT-S (ViT-S/16), multi-crop 2 + 6, AdamW 3e-4, wd 0.06 → 0.12, momentum encoder (76.3 %). */
  'vit-s': {
    ...VIT,
    arch: 'vit-s',
    batchSize: 1024,
    epochs: 300,
    mmeEpochs: 300,
    locals: 6,
    baseLr: 3e-4,
    weightDecay: 0.06,
    weightDecayEnd: 0.12,
    dropPath: 0,
  },
  /** ViT-B/16, multi-crop 2 + 10, AdamW 7.5e-4, wd 0.06, drop path 0.1, momentum encoder (78.4 %). */
  'vit-b': {
    ...VIT,
    arch: 'vit-b',
    batchSize: 1024,
    epochs: 300,
    mmeEpochs: 300,
    locals: 10,
    baseLr: 7.5e-4,
    weightDecay: 0.06,
    weightDecayEnd: 0.06,
    dropPath: 0.1,
  },
} as const satisfies Record<string, RecipeFields>;

export type RecipeName = keyof typeof RECIPES;
export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];

/**
 * The fields of recipe `name`, with `recipe: name`.
 * @throws InvalidArgumentError naming the known recipes for an unknown one.
 */
export function recipeFields(name: string): RecipeFields & { recipe: string } {
  if (!Object.hasOwn(RECIPES, name))
    throw new InvalidArgumentError(`unknown recipe '${name}': expected one of ${RECIPE_NAMES.join(', ')}`);
  return { ...RECIPES[name as RecipeName], recipe: name };
}
