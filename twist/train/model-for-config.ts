import { InvalidArgumentError } from '../../core/index.js';
import { TwistModel, VIT_PRESETS } from '../models/index.js';
import type { LocalTrainConfig } from './train-config.js';

/** ViT patch side (the seed's /16 models). */
export const VIT_PATCH = 16;

/**
 * The model a config describes. Input channels: the config's `channels` (set when a run starts
 * from its dataset), else `inChannels` (default 1). ViTs get their positional embedding made for
 * `imageSize` (default 224) and the head the seed uses with them (trunc-normal init).
 * @throws InvalidArgumentError for a ViT image side that is not a multiple of the patch.
 */
export function modelFor(cfg: LocalTrainConfig, inChannels = 1): TwistModel {
  const channels = cfg.channels ?? inChannels;
  const arch = cfg.arch ?? 'resnet';
  const vit = arch !== 'resnet';
  if (vit) {
    const size = cfg.imageSize ?? 224;
    if (size % VIT_PATCH !== 0)
      throw new InvalidArgumentError(
        `imageSize ${size}: a ${arch} needs a multiple of its patch (${VIT_PATCH}) px`,
      );
  }
  return new TwistModel({
    backbone: vit
      ? {
          arch: 'vit',
          patchSize: VIT_PATCH,
          imageSize: cfg.imageSize ?? 224,
          inChannels: channels,
          dropPathRate: cfg.dropPath ?? 0,
          ...VIT_PRESETS[arch],
        }
      : { depth: cfg.depth, width: cfg.width, stem: cfg.stem, inChannels: channels },
    head: {
      hidDim: cfg.hidDim,
      dim: cfg.dim,
      norm: 'bn',
      act: cfg.headAct ?? 'relu',
      drop: 0,
      init: vit ? 'trunc_normal' : 'default',
    },
    seed: cfg.seed,
  });
}
